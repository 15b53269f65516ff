"""CPU share of `facilitator serve` while listening live: 60 s of speech and quiet played in real time
into a virtual microphone (private PulseAudio, paplay), Korean test model, a meeting running.

    .venv/bin/python benchmarks/e2e_live_cpu.py [--seconds 60]

Figure: the serve process's CPU time (user + system, all threads) / wall time, over the playback.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "e2e"))

import e2e_script as E  # noqa: E402
import virtual_mic  # noqa: E402


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=60.0)
    args = ap.parse_args()
    reason = virtual_mic.missing()
    if reason:
        sys.exit(f"no virtual microphone: {reason}")
    work = Path(tempfile.mkdtemp(prefix="e2e-live-"))
    (work / "commands.toml").write_text(E.COMMANDS_TOML, encoding="utf-8")
    s = E.Script()
    n = 0
    while s.t < args.seconds - 8:
        s.say(E.PEOPLE[n % 5], E.SENTENCES[n % len(E.SENTENCES)], work / "speech", gap=4.0)
        n += 1
    s.quiet_until(args.seconds)
    wav = s.write(work / "live.wav")
    speech = sum(ln.end - ln.start for ln in s.lines)
    mic = virtual_mic.VirtualMic(work / "pulse").start()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACILITATOR_")}
    env = mic.full_env({**env, "FACILITATOR_DATA_DIR": str(work / "data")})
    exe = Path(sys.executable).with_name("facilitator")
    server = subprocess.Popen([str(exe), "serve", "--port", str(port), "--no-browser", "--model",
                               str(E.ko_model_path()), "--commands", str(work / "commands.toml")],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    pause = threading.Event()
    try:
        server.stdout.readline()
        base = f"http://127.0.0.1:{port}"
        token_file = work / "data" / "api-token"
        while not token_file.exists():
            pause.wait(0.1)
        auth = {"Authorization": f"Bearer {token_file.read_text().strip()}", "Content-Type": "application/json"}

        def call(path, body=None):
            req = urllib.request.Request(base + path, data=json.dumps(body).encode() if body else None, headers=auth)
            return json.load(urllib.request.urlopen(req, timeout=5))

        meeting = call("/api/meetings", {"method": "case-clinic", "participants": E.PEOPLE, "inbrenger": "Anna"})["id"]
        call(f"/api/meetings/{meeting}/commands", {"command": "start"})
        call(f"/api/meetings/{meeting}/commands", {"command": "next_step"})  # intentie: the inbrenger talks
        deadline = time.monotonic() + 90
        while call(f"/api/meetings/{meeting}")["mode"] != "voice":
            if time.monotonic() > deadline:
                sys.exit("the service did not start listening within 90 s")
            pause.wait(0.2)
        idle_cpu, idle_wall = cpu_seconds(server.pid), time.monotonic()
        pause.wait(10.0)  # listening to an empty room (the cue speech has ended by now)
        idle = (cpu_seconds(server.pid) - idle_cpu) / (time.monotonic() - idle_wall)
        cpu0, wall0 = cpu_seconds(server.pid), time.monotonic()
        rss0 = rss_mb(server.pid)
        player = mic.play(wav)
        player.wait(timeout=args.seconds + 30)
        cpu, wall = cpu_seconds(server.pid) - cpu0, time.monotonic() - wall0
        view = call(f"/api/meetings/{meeting}")
        print(f"cores: {os.cpu_count()}")
        print(f"live listening, {wall:.1f} s wall ({speech:.0f} s of it speech): serve process CPU {cpu:.1f} s "
              f"= {100 * cpu / wall:.0f}% of one core ({100 * cpu / wall / os.cpu_count():.0f}% of the machine); "
              f"quiet room before: {100 * idle:.0f}% of one core; rss {rss0:.0f} -> {rss_mb(server.pid):.0f} MB; "
              f"speaking booked: {view['speaking']}")
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        mic.stop()


if __name__ == "__main__":
    main()
