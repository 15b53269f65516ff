"""`facilitator serve` listening live through a virtual microphone (private PulseAudio, paplay), Korean
test model, a meeting running: CPU share in a quiet room and in speech, RSS, and spoken command end ->
cue start; then the same with Whisper base loaded beside Vosk (RSS with both models, CPU).

    .venv/bin/python benchmarks/e2e_live_cpu.py [--seconds 60] [--turns 8] [--no-whisper]

CPU: the serve process's CPU time (user + system, all threads) / wall time. Command -> cue: a coach says
a sentence and, 1.5 s later, "next"; from the end of "next" in the played audio to the first sound of
the facilitator's cue in the room (its chime), wall clock, paplay's and parec's buffering included.
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
sys.path.insert(0, str(REPO / "benchmarks"))

import e2e_script as E  # noqa: E402
import virtual_mic  # noqa: E402
from voice_common import percentile  # noqa: E402


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def speech_wav(work: Path, seconds: float) -> tuple[Path, float]:
    s = E.Script()
    n = 0
    while s.t < seconds - 8:
        s.say(E.PEOPLE[n % 5], E.SENTENCES[n % len(E.SENTENCES)], work / "speech", gap=4.0)
        n += 1
    s.quiet_until(seconds)
    return s.write(work / "live.wav"), sum(ln.end - ln.start for ln in s.lines)


def session(work: Path, mic, label: str, seconds: float, turns: int, env_extra: dict) -> None:
    wav, speech = speech_wav(work, seconds)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data = work / f"data-{label}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACILITATOR_")}
    env = mic.full_env({**env, "FACILITATOR_DATA_DIR": str(data), **env_extra})
    exe = Path(sys.executable).with_name("facilitator")
    server = subprocess.Popen([str(exe), "serve", "--port", str(port), "--no-browser", "--model",
                               str(E.ko_model_path()), "--commands", str(work / "commands.toml")],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ear = virtual_mic.RoomEar(mic)
    pause = threading.Event()
    try:
        server.stdout.readline()
        base = f"http://127.0.0.1:{port}"
        token_file = data / "api-token"
        while not token_file.exists():
            pause.wait(0.1)
        auth = {"Authorization": f"Bearer {token_file.read_text().strip()}", "Content-Type": "application/json"}

        def call(path, body=None):
            req = urllib.request.Request(base + path, data=json.dumps(body).encode() if body else None, headers=auth)
            return json.load(urllib.request.urlopen(req, timeout=10))

        meeting = call("/api/meetings", {"method": "case-clinic", "participants": E.PEOPLE, "inbrenger": "Anna"})["id"]
        command = lambda kind: call(f"/api/meetings/{meeting}/commands", {"command": kind})  # noqa: E731
        command("start")
        command("next_step")  # intentie: the inbrenger talks
        deadline = time.monotonic() + 120
        while call(f"/api/meetings/{meeting}")["mode"] != "voice":
            if time.monotonic() > deadline:
                sys.exit("the service did not start listening within 120 s")
            pause.wait(0.2)
        ear.wait_quiet(after=0, quiet=1.5, timeout=120)  # the step's cue has been said
        rss_loaded = rss_mb(server.pid)
        idle_cpu, idle_wall = cpu_seconds(server.pid), time.monotonic()
        pause.wait(10.0)  # listening to an empty room
        idle = (cpu_seconds(server.pid) - idle_cpu) / (time.monotonic() - idle_wall)
        cpu0, wall0 = cpu_seconds(server.pid), time.monotonic()
        player = mic.play(wav)
        player.wait(timeout=seconds + 30)
        cpu, wall = cpu_seconds(server.pid) - cpu0, time.monotonic() - wall0
        print(f"  [{label}] live listening, {wall:.1f} s wall ({speech:.0f} s of it speech): serve CPU "
              f"{100 * cpu / wall:.0f}% of one core ({100 * cpu / wall / os.cpu_count():.0f}% of the machine); "
              f"quiet room: {100 * idle:.1f}% of one core; RSS with the model(s) loaded {rss_loaded:.0f} MB, "
              f"after speech {rss_mb(server.pid):.0f} MB", flush=True)
        if turns:
            turn = lambda: (call(f"/api/meetings/{meeting}").get("step") or {}).get("round")  # noqa: E731
            cues, acted = command_to_cue(work, mic, ear, command, turn, turns)
            for name, values in (("the turn moved (API)", acted), ("cue start", cues)):
                print(f"  [{label}] spoken command end -> {name} (wall clock): n={len(values)}/{turns} "
                      f"p50 {percentile(values, 50) * 1000:.0f} ms, p95 {percentile(values, 95) * 1000:.0f} ms, "
                      f"max {max(values, default=float('nan')) * 1000:.0f} ms", flush=True)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        ear.stop()


def command_to_cue(work: Path, mic, ear, command, turn, turns: int) -> tuple[list[float], list[float]]:
    command("next_step")  # stilte
    command("next_step")  # spiegelen: each coach in turn, "next" hands on
    ear.wait_quiet(after=len(ear.onsets), quiet=1.5, timeout=120)
    s = E.Script()
    s.quiet(1.0)
    s.say("Ben", E.SENTENCES[5], work / "speech", gap=1.5)
    line = s.say("Ben", E.NEXT_TURN, work / "speech", command="next_turn", gap=4.0)
    wav = s.write(work / "turn.wav")
    cues, acted = [], []
    for _ in range(turns):
        before, who = len(ear.onsets), turn()
        t0 = time.monotonic()
        player = mic.play(wav)
        said, moved = t0 + line.end, None
        deadline = said + 20
        while time.monotonic() < deadline and not [t for t in ear.onsets[before:] if t >= said]:
            if moved is None and turn() != who:
                moved = time.monotonic()
            threading.Event().wait(0.03)
        player.wait(timeout=30)
        heard = [t for t in ear.onsets[before:] if t >= said]
        if moved is not None:
            acted.append(moved - said)
        if heard:
            cues.append(heard[0] - said)
            ear.wait_quiet(after=len(ear.onsets) - 1, quiet=1.5, timeout=60)
    return cues, acted


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--turns", type=int, default=8)
    ap.add_argument("--no-whisper", action="store_true")
    args = ap.parse_args()
    reason = virtual_mic.missing()
    if reason:
        sys.exit(f"no virtual microphone: {reason}")
    work = Path(tempfile.mkdtemp(prefix="e2e-live-"))
    (work / "commands.toml").write_text(E.COMMANDS_TOML, encoding="utf-8")
    print(f"== live listening through a virtual microphone ==  (os.cpu_count() = {os.cpu_count()}, "
          f"load {os.getloadavg()[0]:.1f})", flush=True)
    mic = virtual_mic.VirtualMic(work / "pulse").start()
    try:
        session(work, mic, "vosk", args.seconds, args.turns, {})
        if not args.no_whisper:
            from voice.whisper_models import pypi_base_model

            base = pypi_base_model()
            if base is None:
                print("  [vosk+whisper] skipped: the Whisper base model is not installed (scripts/setup --test)")
            else:
                session(work, mic, "vosk+whisper", args.seconds, args.turns,
                        {"FACILITATOR_WHISPER_MODEL": str(base)})
    finally:
        mic.stop()


if __name__ == "__main__":
    main()
