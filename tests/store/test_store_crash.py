"""Kill -9 a process that writes a meeting, at random points, and resume it each time.

A child process runs MeetingService on a real SQLite file and feeds commands and utterances
(with ids, some sent twice) in a loop; after each event it reports what it stored. The parent
kills it with SIGKILL after a random number of events and opens a new MeetingService on the same
data folder: the meeting must be at the same step with the same remaining time (the time the
process was down counts as a pause), nothing stored twice, and at most the event being written lost.
"""

from __future__ import annotations

import json
import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine_sim import Clock, library
from facilitator.engine import apply, new_state, remaining_seconds
from facilitator.events import Utterance
from facilitator.service import HEARTBEAT_SECONDS, MeetingService

CHILD = Path(__file__).parent / "crash_child.py"
KILLS = 4


def read_lines(proc, wanted: int, timeout: float = 30.0) -> list[dict]:
    """Read the child's JSON lines until `wanted` event lines came (or it died)."""
    lines: list[dict] = []
    buffer = b""
    deadline = time.monotonic() + timeout
    fd = proc.stdout.fileno()
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            if proc.poll() is not None:
                break
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        buffer += chunk
        *complete, buffer = buffer.split(b"\n")
        lines += [json.loads(x) for x in complete if x.strip()]
        if sum(1 for x in lines if "i" in x) >= wanted:
            return lines
    raise AssertionError(f"the child stopped early: {proc.stderr.read().decode() if proc.poll() is not None else ''}")


def test_a_meeting_survives_kill_minus_9_at_random_points(tmp_path):
    rng = random.Random(int(os.environ.get("CRASH_SEED", "20240601")))
    data = tmp_path / "data"
    meeting = "new"
    reported_ids: list[str] = []
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parents[2]),
                                                         os.environ.get("PYTHONPATH", "")])}
    for run in range(1, KILLS + 1):
        proc = subprocess.Popen([sys.executable, str(CHILD), str(data), meeting, str(run), str(rng.randrange(10**6))],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        try:
            wanted = rng.randint(3, 120)
            lines = read_lines(proc, wanted)
            os.kill(proc.pid, signal.SIGKILL)  # at once: the child is somewhere in its next event
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=30)
            proc.stdout.close()
            proc.stderr.close()
        assert proc.returncode == -signal.SIGKILL
        head, events = lines[0], [x for x in lines if "i" in x]
        meeting = head["meeting"]
        last = events[-1]
        reported_ids += [x["id"] for x in events if x["id"]]

        service = MeetingService(data, library(), clock=Clock(rng.uniform(0, 10**7)))
        stored = service.store.events(meeting)
        # At most the event being written is lost (and then only if it was not reported).
        assert last["count"] <= len(stored) <= last["count"] + 1, (run, last["count"], len(stored))
        utterance_ids = [e.event.id for e in stored if isinstance(e.event, Utterance)]
        assert len(utterance_ids) == len(set(utterance_ids)), "an utterance was stored twice"
        assert set(reported_ids) <= set(utterance_ids), "a reported utterance was lost"
        assert [e.seq for e in stored] == list(range(1, len(stored) + 1))
        transcript_ids = [l.source_id for l in service.state(meeting).transcript if l.source_id]
        assert len(transcript_ids) == len(set(transcript_ids))

        view = service.view(meeting)
        state = service.state(meeting)
        now = service.now(meeting)
        if len(stored) == last["count"]:
            # Resumed where the child last reported: same step, same remaining time (downtime not counted).
            assert view["step"]["index"] == last["step"] and state.status == last["status"]
            # The meeting clock resumes where the store last saw it alive: the last stored event's
            # time or a heartbeat (one a second), whichever came later. Words that were not kept
            # (said again, or in a step without transcript) leave no trace, not even the time.
            seen = service.store.meeting(meeting)["last_clock"]
            assert now == pytest.approx(seen) and -HEARTBEAT_SECONDS - 1e-9 <= seen - last["now"] <= 4.0 + 1e-9
            assert remaining_seconds(state, now) == pytest.approx(last["remaining"] - (seen - last["now"]), abs=1e-6)
        else:
            # The next event got committed just before the kill: resume is its replay.
            replay = new_state(state.setup)
            for e in stored:
                replay, _ = apply(replay, e.event, e.at)
            assert replay.step_index == state.step_index
            assert remaining_seconds(state, now) == pytest.approx(remaining_seconds(replay, stored[-1].at), abs=1e-6)
            assert 0 <= last["step"] <= state.step_index <= last["step"] + 1
        assert state.status == "running"
        service.store.close()
    print(f"\n{KILLS} kills, {len(reported_ids)} utterances reported and found")
