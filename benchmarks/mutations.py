"""Mutation check: break one piece of real behaviour at a time and see whether the tests notice.

    .venv/bin/python benchmarks/mutations.py            # all mutations
    .venv/bin/python benchmarks/mutations.py gate store # only these groups (engine store service voice gate)
    .venv/bin/python benchmarks/mutations.py "never started"  # or the mutations whose name holds these words
    .venv/bin/python benchmarks/mutations.py --baseline # first check that the guarding tests pass unmutated

The work tree is copied once to a temporary folder; each mutation replaces one exact piece of
product source there, runs the tests that guard that part (fixed order, stop at the first
failure, the copy first on PYTHONPATH, so also the console script runs the mutant) and puts the
file back. A mutation is *killed* when those tests fail, *survived* when they pass, *missing*
when its source text is no longer there (the code moved: update the list). Run the unmutated
tests first (`--baseline`) if in doubt: a test that fails anyway kills everything.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


@dataclass(frozen=True)
class Mutation:
    group: str
    name: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]


ENGINE_TESTS = ("tests/engine", "tests/cli/test_cli_meetings.py")
STORE_TESTS = ("tests/store", "tests/privacy/test_canary.py")
GATE_TESTS = ("tests/voice/test_voice_gate.py", "tests/voice/test_voice_pipeline.py")
COMMANDS, ROUNDS, TIMING = (f"facilitator/engine/{m}.py" for m in ("commands", "rounds", "timing"))

MUTATIONS = [
    Mutation("engine", "passing allowed where the method forbids it", COMMANDS,
             "    if not plan.pass_allowed:\n", "    if False:\n", ENGINE_TESTS),
    Mutation("engine", "'+1 minute' adds 30 s", COMMANDS,
             'cmd.args.get("seconds", 60)', 'cmd.args.get("seconds", 30)', ENGINE_TESTS),
    Mutation("engine", "auto-advance option ignored", TIMING,
             "auto = state.setup.options.auto_advance or step.silence", "auto = step.silence", ENGINE_TESTS),
    Mutation("engine", "a silence no longer ends by itself", TIMING,
             "auto = state.setup.options.auto_advance or step.silence",
             "auto = state.setup.options.auto_advance", ENGINE_TESTS),
    Mutation("engine", "time warning never given", TIMING,
             "not step.silence and planned > 0 and 0 < left <= warn_at:",
             "not step.silence and planned > 0 and 0 < left < 0:", ENGINE_TESTS),
    Mutation("engine", "round starts with the inbrenger", ROUNDS,
             "start = (people.index(inbrenger) + 1) % len(people) if inbrenger else 0",
             "start = people.index(inbrenger) if inbrenger else 0", ENGINE_TESTS),
    Mutation("engine", "'everyone passed' never ends a repeating round", ROUNDS,
             "everyone_passed = set(turns.passed) >= set(turns.order)", "everyone_passed = False", ENGINE_TESTS),
    Mutation("engine", "next turn accepted while paused", COMMANDS,
             '    if state.status == "paused":\n        return cues.reject(state, out, "next_turn"',
             '    if False:\n        return cues.reject(state, out, "next_turn"', ENGINE_TESTS),
    Mutation("engine", "a pause forgets the time spoken before it", COMMANDS,
             'state = close_stretch(state, now, keep_running=False).evolve(status="paused")',
             'state = state.evolve(status="paused")', ENGINE_TESTS),
    Mutation("engine", "anyone may change the step by voice", COMMANDS,
             "and state.setup.procesbegeleider and cmd.by != state.setup.procesbegeleider):",
             "and state.setup.procesbegeleider and False):", ENGINE_TESTS),
    Mutation("engine", "CLI --auto-advance ignored", "facilitator/cli/meeting_commands.py",
             '{"auto_advance": True} if auto_advance else None', "None", ("tests/cli/test_cli_meetings.py",)),
    Mutation("store", "secure_delete off", "facilitator/store.py",
             'db.execute("PRAGMA secure_delete=ON")', 'db.execute("PRAGMA secure_delete=OFF")', STORE_TESTS),
    Mutation("store", "no VACUUM after a deletion", "facilitator/store.py",
             '                self._db.execute("VACUUM")\n', "                pass\n", STORE_TESTS),
    Mutation("store", "deletion only unlinks rows (neither safeguard)", "facilitator/store.py",
             'db.execute("PRAGMA secure_delete=ON")', 'db.execute("PRAGMA secure_delete=OFF")', STORE_TESTS),
    Mutation("store", "downtime_is_pause = false does nothing", "facilitator/service.py",
             'if not state.setup.options.downtime_is_pause and row["last_wall"]:', 'if False and row["last_wall"]:',
             STORE_TESTS),
    Mutation("service", "a reloaded meeting forgets what fell due after its last event", "facilitator/service.py",
             "        state, effects = apply(state, Tick(), last)\n", "        effects = []\n", STORE_TESTS),
    Mutation("voice", "Kaldi's dither left on (decoding depends on what ran before)", "voice/asr.py",
             '+ "\\n--dither=0\\n"', '+ "\\n"', ("tests/voice/test_voice_repeatable.py",)),
    Mutation("service", "two presses for one turn move two turns", "facilitator/service.py",
             'if expect_turn is not None and kind in ("next_turn", "pass"):', "if False:", ("tests/web/test_api.py",)),
    Mutation("voice", "a listener that died is never started again", "facilitator/wiring.py",
             "again = self.restarts <= MAX_LISTENER_RESTARTS and self._enter(VoiceState.RESTARTING)",
             "again = False", ("tests/e2e/test_listener_restart.py",)),
    Mutation("gate", "default gate tail 0 s", "voice/gate.py",
             "def __init__(self, tail: float = 0.3):", "def __init__(self, tail: float = 0.0):", GATE_TESTS),
    Mutation("gate", "gate always open", "voice/gate.py",
             "return not any(s[0] < end and s[1] > start for s in self._spans)", "return True", GATE_TESTS),
]
# The "neither" mutation takes VACUUM away too.
_SECOND = {"deletion only unlinks rows (neither safeguard)":
           ("facilitator/store.py", '                self._db.execute("VACUUM")\n', "                pass\n")}


def copy_tree(target: Path) -> Path:
    """The work tree as git sees it (tracked and new files, nothing ignored), copied to `target`."""
    names = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=REPO, check=True,
                           capture_output=True).stdout.decode().split("\0")
    for name in filter(None, names):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def pytest(tree: Path, tests: tuple[str, ...]) -> tuple[bool, float]:
    t0 = time.monotonic()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1",
           "PYTHONPATH": os.pathsep.join([str(tree)] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else []))}
    proc = subprocess.run([PYTHON, "-m", "pytest", "-x", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", *tests],
                          cwd=tree, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
    return proc.returncode == 0, time.monotonic() - t0


def run(tree: Path, m: Mutation) -> tuple[str, float]:
    edits = [(m.path, m.old, m.new)] + ([_SECOND[m.name]] if m.name in _SECOND else [])
    originals: dict[str, str] = {}
    try:
        for path, old, new in edits:
            file = tree / path
            originals.setdefault(path, file.read_text(encoding="utf-8"))
            current = file.read_text(encoding="utf-8")
            if current.count(old) != 1:
                return "missing", 0.0
            file.write_text(current.replace(old, new), encoding="utf-8")
        passed, seconds = pytest(tree, m.tests)
        return ("survived" if passed else "killed"), seconds
    finally:
        for path, text in originals.items():
            (tree / path).write_text(text, encoding="utf-8")


def main(args: list[str]) -> int:
    print(f"== mutation check ==  (os.cpu_count() = {os.cpu_count()}, python {sys.version.split()[0]})")
    groups = [a for a in args if not a.startswith("--")]
    chosen = [m for m in MUTATIONS if not groups or m.group in groups or any(g in m.name for g in groups)]
    tree = copy_tree(Path(tempfile.mkdtemp(prefix="facilitator-mutations-")))
    try:
        if "--baseline" in args:
            suites = sorted({t for m in chosen for t in m.tests})
            passed, seconds = pytest(tree, tuple(suites))
            print(f"baseline  {'green' if passed else 'RED: fix the tests first'}  ({seconds:.0f} s)", flush=True)
            if not passed:
                return 2
        return _report(tree, chosen)
    finally:
        shutil.rmtree(tree, ignore_errors=True)


def _report(tree: Path, chosen: list[Mutation]) -> int:
    counts = {"killed": 0, "survived": 0, "missing": 0}
    for m in chosen:
        result, seconds = run(tree, m)
        counts[result] += 1
        print(f"{result:9} {m.group:7} {m.name}  ({seconds:.0f} s)", flush=True)
    print(f"killed {counts['killed']} / survived {counts['survived']} / missing {counts['missing']} "
          f"of {len(chosen)} mutations")
    return 1 if counts["survived"] or counts["missing"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
