"""Live capture: a virtual ALSA microphone feeds the same Listener a real one would; device errors.

PortAudio scans devices once, when sounddevice is imported, so every test that changes the
ALSA setup runs in a fresh interpreter with ALSA_CONFIG_PATH set before that import.

The virtual microphone is ALSA's `file` plugin: it replaces what its slave captures with the
bytes of `infile`, exactly. With the `null` slave it delivers as fast as it is read, which
floods PortAudio's callback thread (~100 000 Python callbacks a second, measured) and starves
every other thread of the GIL; a real microphone delivers every 30 ms. So the live tests give
the plugin a slave that keeps real time: a private PulseAudio's null-sink monitor. The audio is
still the file's, bit for bit; PulseAudio only provides the clock.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from voice_helpers import HERE, REPO, build_meeting, run_python, silence

ALSA_BASE = "/usr/share/alsa/alsa.conf"


def vmic_env(tmp_path: Path, raw: bytes, slave: str = "null", extra: dict | None = None) -> dict[str, str]:
    infile = tmp_path / "in.raw"
    infile.write_bytes(raw)
    conf = tmp_path / "asound.conf"
    conf.write_text(
        f'pcm.vmic {{ type file slave.pcm "{slave}" file "/dev/null" infile "{infile}" format "raw" }}\n'
    )
    return {"ALSA_CONFIG_PATH": f"{ALSA_BASE}:{conf}", **(extra or {})}


@pytest.fixture(scope="module")
def pulse(tmp_path_factory):
    """A private PulseAudio with one null sink, as the real-time clock for the virtual mic."""
    if shutil.which("pulseaudio") is None:
        pytest.fail("pulseaudio is not installed (sudo apt install pulseaudio libasound2-plugins)")
    home = tmp_path_factory.mktemp("pulse")
    run_dir = home / "run"
    run_dir.mkdir(mode=0o700)
    script = home / "default.pa"
    script.write_text(
        "load-module module-native-protocol-unix\n"
        "load-module module-null-sink sink_name=room rate=16000 channels=1\n"
        "set-default-sink room\n"
        "set-default-source room.monitor\n"
    )
    env = {"XDG_RUNTIME_DIR": str(run_dir), "HOME": str(home), "PULSE_RUNTIME_PATH": str(run_dir / "pulse")}
    full = {**os.environ, **env}
    # --daemonize=yes returns once the server is ready to accept clients.
    subprocess.run(["pulseaudio", "-n", "--daemonize=yes", "--exit-idle-time=-1", "--use-pid-file=yes",
                    f"--log-target=file:{home / 'log.txt'}", f"--file={script}"], env=full, check=True, timeout=30)
    yield env
    subprocess.run(["pulseaudio", "--kill"], env=full, timeout=30)


LIVE = """
import json
from facilitator.events import Command, SpeechActivity, Utterance
from voice.asr import load_model
from voice.mic import MicSource
from voice.pipeline import Listener
from voice_helpers import ko_table

mic = MicSource("vmic")


def first_seconds(source, seconds):
    # The device never ends (it repeats its last block): stop after the file's length of stream time.
    start = None
    for item in source:
        yield item
        start = item.start if start is None and hasattr(item, "start") else start
        if start is not None and getattr(item, "end", start) - start >= seconds:
            mic.close()
            return


listener = Listener(first_seconds(mic, {seconds}), load_model({model!r}), commands=ko_table())
first = None
out = {{"commands": [], "speech": 0, "finals": 0, "device": mic.info.name}}
for heard in listener:
    if isinstance(heard.event, Command):
        out["commands"].append([heard.event.kind, heard.event.source, heard.decision.start])
    elif isinstance(heard.event, SpeechActivity) and heard.event.speaking:
        out["speech"] += 1
        first = heard.event.at if first is None else first
    elif isinstance(heard.event, Utterance) and heard.event.final:
        out["finals"] += 1
out["first_speech"] = first
out["stats"] = listener.stats
out["rejected"] = [(d.reason, d.phrase, d.start, d.end) for d in listener.rejected]
out["mic"] = mic.stats
print(json.dumps(out))
"""


@pytest.mark.slow
def test_virtual_microphone_drives_the_listener(tmp_path, pcm_of, ko_model_path, pulse):
    from voice_helpers import KO_SENTENCE

    script = [KO_SENTENCE, "잠깐 멈춰", "좋아요", "계속 해요"]
    pcm, marks = build_meeting(pcm_of, script, tail=3.0)  # after the end the plugin repeats its last block
    seconds = len(pcm) / 32000
    proc = run_python(LIVE.format(model=str(ko_model_path), seconds=seconds),
                      env=vmic_env(tmp_path, pcm, slave="pulse", extra=pulse))
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["device"] == "vmic"
    assert [c[0] for c in out["commands"]] == ["pause", "pass", "resume"], json.dumps(out)
    assert all(c[1] == "voice" for c in out["commands"])
    # Stream times come from the microphone clock: align on the first sound, the cough before the
    # first line (build_meeting puts it right after the lead); it is heard as a sound, never a command.
    shift = out["first_speech"] - 0.5
    for (_, _, start), (_, t0, t1) in zip(out["commands"], marks[1:]):
        assert t0 - 0.3 <= start - shift <= t1
    assert out["speech"] == len(script) + 1 and out["finals"] >= 1  # the commands' words are no lines
    assert out["stats"]["frames"] * 0.03 >= seconds - 0.03
    assert out["mic"]["dropped_frames"] == 0 and out["mic"]["reconnects"] == 0


WATCHDOG = """
import json
import sounddevice as sd
from facilitator.events import DeviceEvent
from voice.mic import MicSource

class FlakyMic(MicSource):
    # The real vmic device; its first stream dies after 20 blocks (as an unplugged USB mic would).
    streams = 0
    blocks = 0

    def _open(self):
        FlakyMic.streams += 1
        super()._open()

    def _callback(self, indata, frames, time_info, status):
        if FlakyMic.streams == 1:
            FlakyMic.blocks += 1
            if FlakyMic.blocks > 20:
                raise sd.CallbackAbort
        super()._callback(indata, frames, time_info, status)

mic = FlakyMic("vmic", lost_after=0.5, retry_every=0.2, queue_frames=100)
seen, times, after = [], [], 0
for item in mic:
    if isinstance(item, DeviceEvent):
        seen.append(item.kind)
    else:
        times.append(item.start)
        if "mic_restored" in seen:
            after += 1
            if after >= 20:
                mic.close()
print(json.dumps({"events": seen, "frames_before": len(times) - after, "monotonic": times == sorted(times),
                  "stats": mic.stats}))
"""


@pytest.mark.slow
def test_lost_microphone_is_reported_and_reconnected(tmp_path, pulse):
    proc = run_python(WATCHDOG, env=vmic_env(tmp_path, silence(30.0), slave="pulse", extra=pulse))
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["events"] == ["mic_lost", "mic_restored"]
    assert out["frames_before"] == 20
    assert out["monotonic"] and out["stats"]["reconnects"] == 1


DEVICE_ERROR = """
import json
from voice.errors import VoiceError
from voice.mic import MicSource
try:
    MicSource({device!r})
    print(json.dumps(None))
except VoiceError as err:
    print(json.dumps([err.code, err.message]))
"""


def test_unknown_device_name_lists_the_ones_there(tmp_path):
    proc = run_python(DEVICE_ERROR.format(device="Yamaha USB"), env=vmic_env(tmp_path, silence(1)))
    code, message = json.loads(proc.stdout)
    assert code == "device_not_found"
    assert "Yamaha USB" in message and "vmic" in message


def test_no_input_device(tmp_path):
    probe = run_python("import sounddevice as sd; print(sum(d['max_input_channels'] > 0 for d in sd.query_devices()))")
    if probe.returncode != 0 or probe.stdout.strip() != "0":
        pytest.skip("this machine has a real microphone")
    proc = run_python(DEVICE_ERROR.format(device=None))
    code, message = json.loads(proc.stdout)
    assert code == "no_input_device"
    assert "microfoon" in message.lower() and "facilitator devices" in message


def no_portaudio_env(tmp_path: Path) -> dict[str, str]:
    """An interpreter in which sounddevice cannot find the PortAudio library."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(
        "import ctypes.util\n"
        "_real = ctypes.util.find_library\n"
        "ctypes.util.find_library = lambda name: None if 'portaudio' in name else _real(name)\n"
    )
    return {"PYTHONPATH": os.pathsep.join([str(site), str(REPO), str(HERE)])}


def test_no_portaudio(tmp_path):
    proc = run_python(DEVICE_ERROR.format(device=None), env=no_portaudio_env(tmp_path))
    code, message = json.loads(proc.stdout)
    assert code == "portaudio_missing"
    assert "libportaudio2" in message


def test_no_portaudio_on_the_command_line(tmp_path, facilitator_bin):
    env = {**os.environ, **no_portaudio_env(tmp_path)}
    proc = subprocess.run([facilitator_bin, "devices"], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 1
    assert "PortAudio ontbreekt" in proc.stderr and "Traceback" not in proc.stderr
