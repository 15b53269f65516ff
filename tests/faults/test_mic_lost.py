"""The microphone goes away mid-meeting and comes back, under a listening VoiceRoom.

The room's microphone is a virtual one: ALSA's `file` plugin over a private PulseAudio's
null-sink monitor (as in tests/voice). Stopping that PulseAudio takes the device away under the
open stream; starting it again brings it back. The VoiceRoom runs in a child process (PortAudio
reads the ALSA setup when it is imported) and reports what the meeting saw, one JSON line per stage.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from faults_helpers import PYTHON, REPO, ko_model_path, silence

ALSA_BASE = "/usr/share/alsa/alsa.conf"

CHILD = r"""
import json, sys, threading, time
from pathlib import Path
from facilitator.service import MeetingService
from facilitator.wiring import VoiceRoom
from methods import load_library

def say(**kw):
    print(json.dumps(kw, ensure_ascii=False), flush=True)

data = Path(sys.argv[1])
service = MeetingService(data, load_library(None))
said, devices = [], []
service.on_effect(lambda mid, e: said.append((e.kind, e.text)) if type(e).__name__ == "Say" else None)
mid = service.create("case-clinic", ["Anna", "Ben", "Carla"], "Anna")
service.command(mid, "start")
room = VoiceRoom(service, data, meeting_id=mid, model_path=sys.argv[2], device="vmic", speak=False)
notices = room.start()

def wait(pred, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        threading.Event().wait(0.02)
    return None

def lost():
    v = service.view(mid)
    return v if v["mode"] == "manual" else None

v = wait(lambda: (lambda v: v if v["mode"] == "voice" else None)(service.view(mid)), 20)
# Listening for real: the microphone's frames reach the recogniser (an open stream that never
# delivered would be a different fault, the one at start).
wait(lambda: room._listener is not None and room._listener.stats["frames"] >= 30, 20)
say(stage="listening", mode=(v or service.view(mid))["mode"], notices=notices)
sys.stdin.readline()                       # the parent takes the microphone away
v = wait(lost, 20) or service.view(mid)
n_said = len(said)
say(stage="lost", mode=v["mode"], notices=v["notices"], said=said, mic_ok=service.state(mid).health.mic_ok)
r = service.command(mid, "next_step")      # buttons and keys still work
say(stage="command", ok=r["ok"], step=r["view"]["step"]["index"])
sys.stdin.readline()                       # the parent brings it back
v = wait(lambda: (lambda v: v if v["mode"] == "voice" else None)(service.view(mid)), 30) or service.view(mid)
say(stage="restored", mode=v["mode"], notices=v["notices"], said=said[n_said:], mic_ok=service.state(mid).health.mic_ok)
room.stop()
"""


def start_pulse(home: Path) -> dict:
    run_dir = home / "run"
    run_dir.mkdir(mode=0o700, exist_ok=True)
    script = home / "default.pa"
    script.write_text("load-module module-native-protocol-unix\n"
                      "load-module module-null-sink sink_name=room rate=16000 channels=1\n"
                      "set-default-sink room\nset-default-source room.monitor\n")
    env = {"XDG_RUNTIME_DIR": str(run_dir), "HOME": str(home), "PULSE_RUNTIME_PATH": str(run_dir / "pulse")}
    subprocess.run(["pulseaudio", "-n", "--daemonize=yes", "--exit-idle-time=-1", "--use-pid-file=yes",
                    f"--log-target=file:{home / 'log.txt'}", f"--file={script}"], env={**os.environ, **env},
                   check=True, timeout=30)
    return env


def stop_pulse(env: dict) -> None:
    subprocess.run(["pulseaudio", "--kill"], env={**os.environ, **env}, timeout=30)
    # --kill returns at once; wait until the server is really gone (its socket refuses).
    deadline = time.monotonic() + 10
    while subprocess.run(["pulseaudio", "--check"], env={**os.environ, **env}).returncode == 0:
        if time.monotonic() > deadline:
            raise AssertionError("pulseaudio did not stop")
        select.select([], [], [], 0.05)


def pulse_pid(env: dict) -> int:
    return int((Path(env["PULSE_RUNTIME_PATH"]) / "pid").read_text().split()[0])


def read_stage(proc, timeout: float) -> dict:
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    if not ready:
        raise AssertionError("the child said nothing in time")
    line = proc.stdout.readline()
    if not line:
        raise AssertionError(f"the child ended: {proc.stderr.read()[-3000:]}")
    return json.loads(line)


@pytest.mark.slow
def test_microphone_lost_and_restored_mid_meeting(tmp_path):
    if shutil.which("pulseaudio") is None:
        pytest.fail("pulseaudio is not installed (sudo apt install pulseaudio libasound2-plugins)")
    infile = tmp_path / "in.raw"
    infile.write_bytes(silence(5.0))
    conf = tmp_path / "asound.conf"
    conf.write_text(f'pcm.vmic {{ type file slave.pcm "pulse" file "/dev/null" infile "{infile}" format "raw" }}\n')
    home = tmp_path / "pulse"
    home.mkdir()
    pulse = start_pulse(home)
    env = {**os.environ, **pulse, "ALSA_CONFIG_PATH": f"{ALSA_BASE}:{conf}", "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([PYTHON, "-c", CHILD, str(tmp_path / "data"), str(ko_model_path())], env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=str(REPO))
    frozen = None
    try:
        first = read_stage(proc, 60)
        assert first["stage"] == "listening" and first["mode"] == "voice", first

        # The device stops delivering: the sound server behind it is frozen (SIGSTOP), as a
        # USB microphone pulled out of the laptop stops delivering.
        frozen = pulse_pid(pulse)
        os.kill(frozen, signal.SIGSTOP)
        proc.stdin.write("go\n")
        proc.stdin.flush()
        lost = read_stage(proc, 40)
        assert lost["stage"] == "lost" and lost["mode"] == "manual" and lost["mic_ok"] is False, (lost, proc.stderr.read()[-3000:] if proc.poll() is not None else '')
        assert any("microfoon" in n.lower() for n in lost["notices"]), lost
        assert any(kind == "warning" and "microfoon" in text.lower() for kind, text in lost["said"]), lost["said"]
        command = read_stage(proc, 10)
        assert command["ok"] and command["step"] == 1, command

        os.kill(frozen, signal.SIGCONT)
        frozen = None
        proc.stdin.write("go\n")
        proc.stdin.flush()
        back = read_stage(proc, 60)
        assert back["mode"] == "voice" and back["mic_ok"] is True, back
        assert not any(n.lower().startswith("de microfoon is weg") for n in back["notices"]), back
        assert back["said"], "nothing was said when the microphone came back"
        proc.stdin.close()
        assert proc.wait(timeout=30) == 0, proc.stderr.read()[-3000:]
    finally:
        if frozen:
            os.kill(frozen, signal.SIGCONT)
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        stop_pulse(pulse)
