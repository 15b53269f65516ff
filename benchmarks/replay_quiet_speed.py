"""Replay speed of a meeting with long quiet stretches, through `run --audio`'s path (facilitator/replay.py).

    .venv/bin/python benchmarks/replay_quiet_speed.py [--minutes 10] [--quiet 60] [--profile FILE]

The meeting: a Case Clinic's turns in espeak-ng Korean (the test model is Korean), each coach a
sentence and "next", with `--quiet` seconds of a room's noise floor (-60 dBFS) after every turn.
Real pipeline: ffmpeg, voice activity, Vosk (free-form + grammar), spotter, engine, SQLite store.
Beside it, the bare baseline: ffmpeg decoding the same file into 30 ms frames, nothing else.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

import e2e_replay  # noqa: E402  (puts the repository and tests/e2e on sys.path)
from e2e_replay import E  # noqa: E402


def quiet_meeting(cache: Path, minutes: float, quiet: float) -> E.Script:
    s = E.Script(white=None)  # the room's noise floor under everything
    s.quiet(1.0)
    s.say("Anna", E.NEXT_STEP, cache, command="next_step", gap=2.0)
    n = 0
    while s.t < minutes * 60 - quiet:
        who = E.PEOPLE[1 + n % 4]
        s.say(who, E.SENTENCES[5 + n % 4], cache, gap=1.5)
        s.say(who, E.NEXT_TURN, cache, command="next_turn", gap=quiet)
        n += 1
    s.quiet_until(minutes * 60)
    return s


def bare(wav: Path) -> float:
    from voice.audio import FileSource

    t0 = time.perf_counter()
    for _ in FileSource(wav):
        pass
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--quiet", type=float, default=60.0)
    ap.add_argument("--profile", type=Path, default=None, help="write a cProfile of the replay here")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="replay-quiet-"))
    (work / "methods").mkdir()
    (work / "methods" / "lang.toml").write_text(e2e_replay.LONG_METHOD, encoding="utf-8")
    (work / "commands.toml").write_text(E.COMMANDS_TOML, encoding="utf-8")
    script = quiet_meeting(Path(tempfile.gettempdir()) / "facilitator-bench-speech", args.minutes, args.quiet)
    wav = script.write(work / "quiet.wav")
    speech = sum(ln.end - ln.start for ln in script.lines)
    print(f"== replay of a meeting with long quiet stretches: {script.t / 60:.1f} min, {speech:.0f} s of it speech, "
          f"{len(script.commands())} spoken commands ==  (os.cpu_count() = {os.cpu_count()}, "
          f"load {os.getloadavg()[0]:.1f})", flush=True)
    base = bare(wav)
    print(f"  bare baseline (ffmpeg decode into 30 ms frames): {script.t / base:.0f}x real time", flush=True)
    profiler = cProfile.Profile() if args.profile else None
    cpu0 = time.process_time()
    if profiler:
        profiler.enable()
    counts, wall, _ = e2e_replay.replay(wav, work, "case-clinic-lang")
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
        pstats.Stats(str(args.profile)).sort_stats("cumulative").print_stats(25)
    cpu = time.process_time() - cpu0
    print(f"  run --audio path: {counts['seconds']:.0f} s of audio in {wall:.1f} s = {counts['seconds'] / wall:.1f}x "
          f"real time, {counts['seconds'] / cpu:.1f}x per CPU second ({counts['commands']} commands acted on of "
          f"{len(script.commands())}, {counts['utterances']} lines; load {os.getloadavg()[0]:.1f})  (goal: >= 20x)")


if __name__ == "__main__":
    main()
