"""kill -9 of `facilitator serve` leaves no process behind: the speech worker and the helper process
multiprocessing starts with it (its resource tracker) end with their parent.

A real serve speaks a real meeting's first cue, so the real pyttsx3/espeak-ng worker runs; then the
test kills serve with SIGKILL, which no handler can catch, and looks for what is left.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import urllib.request
from pathlib import Path

import pytest

from faults_helpers import REPO, cli_env, facilitator_bin, wait_for
from support import free_port

pytestmark = pytest.mark.slow


def children(pid: int) -> dict[int, str]:
    """Every living descendant of `pid`: its command line (zombies, already dead, are left out)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z":
            parents[int(entry.name)] = int(fields[1])
    found: dict[int, str] = {}
    todo = [pid]
    while todo:
        parent = todo.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in found:
                found[child] = _cmdline(child)
                todo.append(child)
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def alive(pid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z"


def test_kill_9_of_serve_leaves_no_speech_worker_behind(tmp_path):
    data = tmp_path / "data"
    port = free_port()
    # No microphone and no model here (each a notice on screen); speech runs for real.
    server = subprocess.Popen([facilitator_bin(), "serve", "--port", str(port), "--no-browser",
                               "--model", str(tmp_path / "geen-model")], env=cli_env(data), cwd=str(REPO),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    left: dict[int, str] = {}
    try:
        assert server.stdout.readline().decode().startswith("Het dashboard draait op"), server.stderr.read()
        token = wait_for(lambda: (data / "api-token").exists() and (data / "api-token").read_text().strip(), 30,
                         0.05, "the API token")
        auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

        def post(path: str, body: dict) -> dict:
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
                                             headers=auth)
            return json.load(urllib.request.urlopen(request, timeout=10))

        meeting = post("/api/meetings", {"method": "case-clinic", "participants": ["Anna", "Ben", "Carla"],
                                         "inbrenger": "Anna"})["id"]
        post(f"/api/meetings/{meeting}/commands", {"command": "start"})  # the first cue starts the worker
        # The speech worker and multiprocessing's helper; other children may come and go meanwhile
        # (the PortAudio probe), and all of them must end with serve.
        kids = wait_for(lambda: (lambda k: k if (any("spawn_main" in cmd for cmd in k.values())
                                                 and any("resource_tracker" in cmd for cmd in k.values()))
                                 else None)(children(server.pid)), 60, 0.05,
                        "the speech worker and its helper process")

        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
        try:
            wait_for(lambda: not any(alive(pid) for pid in kids), 10, 0.05, "the children to end")
        except AssertionError:
            left = {pid: cmd for pid, cmd in kids.items() if alive(pid)}
        assert not left, f"orphans after kill -9 of serve: {left}"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=10)
        for pid in left:  # never leave them running for the next test
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        server.stdout.close()
        server.stderr.close()
