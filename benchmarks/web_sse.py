"""Dashboard live updates: state change -> SSE event latency with N viewers, and memory per viewer.

The server runs in a child process exactly as `facilitator serve` builds it (MeetingService on a real
SQLite file, create_app, waitress, a ticker at 4 Hz), so its memory is measured without the clients.
N viewer threads in this process each hold an SSE stream, like N open browser tabs. Then, for each
round, a command goes in over HTTP (POST with the API token, like a button press) and every viewer
records when the change reaches it:

- state:      POST extend {seconds: 1} -> the `state` event whose step.planned_seconds shows it
- transcript: POST note {text}          -> the `transcript` event carrying that line

Latency = from just before the POST to the event arriving at each viewer (p50/p95/max over all
viewers and rounds). Memory per viewer = (server RSS with N streams - RSS with none) / N.

    .venv/bin/python benchmarks/web_sse.py [--viewers 20] [--rounds 100]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SERVER = r"""
import sys, threading
from pathlib import Path
from waitress import create_server
from facilitator.service import MeetingService
from methods import load_library
from web import create_app
data_dir, port, threads = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
service = MeetingService(data_dir, load_library(None))
app = create_app(service, {"DATA_DIR": data_dir, "PORT": port, "MAX_STREAMS": threads - 8})
server = create_server(app, host="127.0.0.1", port=port, threads=threads, connection_limit=200)
def tick():
    while True:
        threading.Event().wait(0.25)
        service.tick()
threading.Thread(target=tick, daemon=True).start()
print("ready", flush=True)
server.run()
"""


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Viewer(threading.Thread):
    """One open dashboard: reads the SSE stream and timestamps what it waits for."""

    def __init__(self, port: int, meeting_id: str):
        super().__init__(daemon=True)
        self.port, self.meeting_id = port, meeting_id
        self.connected = threading.Event()
        self.lock = threading.Lock()
        self.planned_seen: dict[float, float] = {}   # planned_seconds -> arrival time
        self.notes_seen: dict[str, float] = {}        # note text -> arrival time
        self.stop = False

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request("GET", f"/api/meetings/{self.meeting_id}/events")
        response = conn.getresponse()
        assert response.status == 200, response.status
        event = None
        while not self.stop:
            line = response.readline()
            if not line:
                break
            now = time.perf_counter()
            line = line.decode().rstrip("\n")
            if line.startswith(": verbonden"):
                self.connected.set()
            elif line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:") and event in ("state", "transcript"):
                data = json.loads(line[5:])
                with self.lock:
                    if event == "state":
                        self.planned_seen.setdefault(data["step"]["planned_seconds"], now)
                    elif data.get("text", "").startswith("bench-"):
                        self.notes_seen.setdefault(data["text"], now)
        response.close()
        conn.close()


def post(port: int, token: str, path: str, body: dict) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("POST", path, json.dumps(body), {"Authorization": f"Bearer {token}",
                                                  "Content-Type": "application/json"})
    response = conn.getresponse()
    data = json.loads(response.read())
    conn.close()
    if response.status >= 400:
        raise RuntimeError(f"{path}: {response.status} {data}")
    return data


def wait_all(viewers, seen, key, timeout=5.0) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if all(key in getattr(v, seen) for v in viewers):
            return True
        time.sleep(0.0005)
    return False


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--threads", type=int, default=48)
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="facilitator-bench-"))
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(data_dir), str(port), str(args.threads)],
                              stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert server.stdout.readline().strip() == "ready"
        token = (data_dir / "api-token").read_text().strip()
        meeting = post(port, token, "/api/meetings", {"method": "case-clinic", "inbrenger": "Anna",
                                                      "participants": ["Anna", "Ben", "Carla", "Dirk", "Eva"]})["id"]
        post(port, token, f"/api/meetings/{meeting}/commands", {"command": "start"})
        time.sleep(1.0)
        rss_before = rss_kib(server.pid)

        viewers = [Viewer(port, meeting) for _ in range(args.viewers)]
        for viewer in viewers:
            viewer.start()
        for viewer in viewers:
            assert viewer.connected.wait(10), "a viewer did not connect"
        time.sleep(1.0)
        rss_with = rss_kib(server.pid)

        state_lat, note_lat, post_lat, lost = [], [], [], 0
        planned = post(port, token, f"/api/meetings/{meeting}/commands",
                       {"command": "remaining"})["view"]["step"]["planned_seconds"]
        for i in range(args.rounds):
            planned += 1
            t0 = time.perf_counter()
            post(port, token, f"/api/meetings/{meeting}/commands", {"command": "extend", "seconds": 1})
            post_lat.append(time.perf_counter() - t0)
            if not wait_all(viewers, "planned_seen", planned):
                lost += 1
            state_lat += [v.planned_seen[planned] - t0 for v in viewers if planned in v.planned_seen]
            text = f"bench-{i}"
            t0 = time.perf_counter()
            post(port, token, f"/api/meetings/{meeting}/commands", {"command": "note", "text": text})
            if not wait_all(viewers, "notes_seen", text):
                lost += 1
            note_lat += [v.notes_seen[text] - t0 for v in viewers if text in v.notes_seen]
            time.sleep(0.02)
        rss_after = rss_kib(server.pid)
    finally:
        for viewer in locals().get("viewers", []):
            viewer.stop = True
        server.terminate()
        server.wait(timeout=10)

    ms = lambda s: f"{s * 1000:6.1f} ms"  # noqa: E731
    print(f"web_sse: {args.viewers} SSE viewers, {args.rounds} rounds, waitress threads={args.threads}")
    print(f"  machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()} {platform.machine()}")
    print(f"  command POST round trip        p50 {ms(pct(post_lat, 50))}  p95 {ms(pct(post_lat, 95))}")
    print(f"  state change -> viewer event   p50 {ms(pct(state_lat, 50))}  p95 {ms(pct(state_lat, 95))}"
          f"  max {ms(max(state_lat))}  ({len(state_lat)} deliveries)")
    print(f"  note -> transcript event       p50 {ms(pct(note_lat, 50))}  p95 {ms(pct(note_lat, 95))}"
          f"  max {ms(max(note_lat))}  ({len(note_lat)} deliveries)")
    print(f"  rounds with a viewer missing the event within 5 s: {lost}")
    print(f"  server RSS: {rss_before / 1024:.1f} MiB idle, {rss_with / 1024:.1f} MiB with {args.viewers} streams, "
          f"{rss_after / 1024:.1f} MiB after the rounds")
    print(f"  memory per viewer (streams open, before the rounds): {(rss_with - rss_before) / args.viewers:.0f} KiB")
    print(f"  growth during the rounds (the meeting's own {2 * args.rounds} new events, buffers): "
          f"{(rss_after - rss_with) / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
