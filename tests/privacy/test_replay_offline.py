"""A whole replayed meeting with the network blocked; what was said leaves no trace in logs or, once
deleted, in the database files; the data folder is private.

`facilitator run --audio` runs as a child process with a network guard (sitecustomize) that
refuses every non-loopback connect/sendto and every name lookup; the speech worker it spawns for
the cue files inherits the guard. The canaries are the texts the recogniser actually produced.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess

import pytest

from faults_helpers import SCRIPT, facilitator_bin, make_recording, replay_command
from privacy_helpers import bad_modes, db_files, files_containing, guard_report, guarded_env


@pytest.mark.slow
def test_replayed_meeting_offline_leaves_no_words_behind(tmp_path):
    recording = make_recording(tmp_path / "rec", SCRIPT[:6])
    data = tmp_path / "data"
    guard_log = tmp_path / "netguard.log"
    env = guarded_env(data, guard_log)
    run = subprocess.run(replay_command(recording) + ["--cues-dir", str(tmp_path / "cues")], capture_output=True,
                         env=env, timeout=120, stdin=subprocess.DEVNULL)
    assert run.returncode == 0, run.stderr.decode(errors="replace")[-2000:]
    on, blocked = guard_report(guard_log)
    assert on >= 2, "the guard was not active in the run and its speech worker"
    assert blocked == [], blocked
    assert list((tmp_path / "cues").glob("*.wav")), "no cue was rendered"

    con = sqlite3.connect(data / "facilitator.db")
    (mid,) = [r[0] for r in con.execute("SELECT id FROM meetings")]
    said = [json.loads(d)["text"] for (d,) in con.execute("SELECT data FROM events WHERE data LIKE '%\"final\": true%'")]
    con.close()
    canaries = sorted({t for t in said if len(t) >= 6})
    assert len(canaries) >= 3, said

    # What was said is in no output and no log file.
    logs = [p for p in data.rglob("*.log")] + [p for p in tmp_path.glob("*.log") if p != guard_log]
    for text in canaries:
        assert text.encode() not in run.stdout + run.stderr, text
        assert files_containing(logs, text) == [], text

    export = subprocess.run([facilitator_bin(), "export", mid, "--format", "json"], capture_output=True, env=env,
                            timeout=60, stdin=subprocess.DEVNULL)
    # It was stored (not every final is in the verslag: spoken commands and silences are no content).
    assert export.returncode == 0 and any(c.encode() in export.stdout for c in canaries)
    assert any(files_containing(db_files(data), t) for t in canaries)

    delete = subprocess.run([facilitator_bin(), "meetings", "delete", mid, "--yes"], capture_output=True, env=env,
                            timeout=60, stdin=subprocess.DEVNULL)
    assert delete.returncode == 0, delete.stderr
    for text in canaries:
        assert files_containing(db_files(data), text) == [], f"{text!r} still in the database files after delete"
    assert guard_report(guard_log)[1] == []
    assert bad_modes(data) == []
