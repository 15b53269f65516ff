"""Store faults through the command line: a corrupt database at start, a full disk during a replay."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import urllib.request
from pathlib import Path

import pytest

from faults_helpers import cli_env, facilitator_bin, wait_for

GARBAGE = b"this is not a database \x00\x01\x02" * 400


def corrupt(data: Path) -> Path:
    data.mkdir(parents=True, exist_ok=True, mode=0o700)
    db = data / "facilitator.db"
    db.write_bytes(b"SQLite format 3\x00" + GARBAGE)  # a real header, then garbage: "file is not a database"
    return db


def moved_aside(data: Path) -> list[Path]:
    return sorted(data.glob("facilitator.db.corrupt-*"))


def test_corrupt_database_is_moved_aside_by_meetings_list(tmp_path):
    data = tmp_path / "data"
    db = corrupt(data)
    env = cli_env(data)
    result = subprocess.run([facilitator_bin(), "meetings", "list"], capture_output=True, text=True, env=env,
                            timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    aside = moved_aside(data)
    assert len(aside) == 1 and aside[0].read_bytes().endswith(GARBAGE)
    assert "beschadigd" in result.stderr and str(aside[0]) in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert "Nog geen bijeenkomsten." in result.stdout
    # The fresh database works: a meeting can be stored and listed, and no second move happens.
    created = subprocess.run([facilitator_bin(), "run", "case-clinic", "-p", "Anna,Ben,Carla", "-i", "Anna", "--no-voice"],
                             capture_output=True, text=True, env=env, timeout=60, stdin=subprocess.DEVNULL)
    listed = subprocess.run([facilitator_bin(), "meetings", "list", "--json"], capture_output=True, text=True,
                            env=env, timeout=60, stdin=subprocess.DEVNULL)
    # The notice stays until someone acknowledges it, and names the same file: nothing new was set aside.
    assert listed.returncode == 0 and str(aside[0]) in listed.stderr, (created.stderr, listed.stderr)
    assert len(json.loads(listed.stdout)) == 1, (created.stdout, created.stderr)
    assert moved_aside(data) == aside and db.read_bytes().startswith(b"SQLite format 3\x00")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_corrupt_database_is_moved_aside_by_serve_and_the_dashboard_says_so(tmp_path):
    data = tmp_path / "data"
    corrupt(data)
    port = _free_port()
    proc = subprocess.Popen([facilitator_bin(), "serve", "--port", str(port), "--no-browser", "--no-voice"],
                            env=cli_env(data), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL)
    try:
        assert proc.stdout.readline().startswith("Het dashboard draait op")
        base = f"http://127.0.0.1:{port}"
        token = wait_for(lambda: (data / "api-token").exists() and (data / "api-token").read_text().strip(), 10,
                         what="the api token")
        auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        body = json.dumps({"method": "case-clinic", "participants": ["A", "B", "C"], "inbrenger": "A"}).encode()
        request = urllib.request.Request(base + "/api/meetings", data=body, headers=auth)
        meeting = json.load(urllib.request.urlopen(request, timeout=10))["id"]
        with urllib.request.urlopen(urllib.request.Request(f"{base}/api/meetings/{meeting}", headers=auth),
                                    timeout=10) as answer:
            view = json.load(answer)
        aside = moved_aside(data)
        assert len(aside) == 1
        assert any("beschadigd" in n and str(aside[0]) in n for n in view["notices"]), view["notices"]
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0 and "Traceback" not in err, err


@pytest.mark.slow
def test_disk_full_during_a_replay_is_a_notice_and_the_meeting_goes_on(tmp_path):
    """`facilitator run --audio` on a store capped by PRAGMA max_page_count (a child process)."""
    from faults_helpers import PYTHON, REPO, SHORT_SCRIPT, ko_model_path, make_recording

    recording = make_recording(tmp_path / "rec", SHORT_SCRIPT[:6])
    data = tmp_path / "data"
    code = f"""
import json, sys
from pathlib import Path
from facilitator.service import MeetingService
from facilitator.store import Store
from facilitator.clock import StreamClock
from facilitator.replay import replay_recording
from methods import load_library

data = Path({str(data)!r})
clock = StreamClock()
store = Store(data)
pages = store._db.execute("PRAGMA page_count").fetchone()[0]
store.close()
store = Store(data, max_pages=pages + 2)  # room for the meeting row and a few events, then full
service = MeetingService(data, load_library(None), clock=clock, store=store)
notices = []
service.on_effect(lambda mid, eff: notices.append(eff.text) if type(eff).__name__ == "Say" else None)
mid = service.create("case-clinic", ["Anna", "Ben", "Carla", "Dirk", "Eva"], "Anna")
counts = replay_recording(service, mid, clock, Path({str(recording)!r}), model_path={str(ko_model_path())!r},
                          commands_path={str(recording.parent / "commands.toml")!r})
view = service.view(mid)
print(json.dumps({{"counts": {{k: v for k, v in counts.items() if k != "notices"}}, "step": view["step"]["index"],
                  "status": view["status"], "notices": view["notices"], "said": notices,
                  "stored": len(store.events(mid)), "memory": len(service.state(mid).transcript)}}))
"""
    env = cli_env(data, {"PYTHONPATH": str(REPO)})
    result = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, env=env, timeout=120,
                            stdin=subprocess.DEVNULL, cwd=str(REPO))
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["counts"]["commands"] >= 1 and out["step"] >= 1 and out["status"] == "running", out
    assert any("schijf is vol" in n for n in out["notices"]), out["notices"]
    assert out["memory"] > 0 and out["stored"] < out["counts"]["events"], out
