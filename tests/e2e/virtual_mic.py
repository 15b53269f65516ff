"""A virtual microphone for tests and benchmarks: a private PulseAudio daemon with a null sink whose
monitor is the default source; `paplay` into the sink speaks into the "room" in real time.

PortAudio (sounddevice) reaches it through the ALSA `pulse` plugin (libasound2-plugins) as the
"pulse"/"default" device. Cue speech goes to a second null sink, so the room has no echo.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Optional

MIC_SINK = "vmic"
ROOM_SINK = "room"


def missing() -> Optional[str]:
    """Why a virtual microphone cannot be made here, or None."""
    for tool in ("pulseaudio", "pactl", "paplay"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (scripts/setup --test installs pulseaudio and pulseaudio-utils)"
    plugin = [p for p in ("/usr/lib/x86_64-linux-gnu/alsa-lib/libasound_module_pcm_pulse.so",
                          "/usr/lib/aarch64-linux-gnu/alsa-lib/libasound_module_pcm_pulse.so") if Path(p).exists()]
    if not plugin:
        return "the ALSA pulse plugin is not installed (libasound2-plugins)"
    return None


class VirtualMic:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        runtime = self.folder / "runtime"
        runtime.mkdir(parents=True, exist_ok=True)
        runtime.chmod(0o700)
        (self.folder / "home").mkdir(exist_ok=True)
        self.socket = runtime / "pulse" / "native"
        self.env = {
            "XDG_RUNTIME_DIR": str(runtime),
            "PULSE_RUNTIME_PATH": str(runtime / "pulse"),
            "PULSE_SERVER": f"unix:{self.socket}",
            "PULSE_COOKIE": str(self.folder / "home" / "cookie"),
            "HOME": str(self.folder / "home"),
        }

    def full_env(self, base: Optional[dict] = None) -> dict:
        return {**(base if base is not None else os.environ), **self.env}

    def _run(self, *args: str, timeout: float = 20) -> subprocess.CompletedProcess:
        return subprocess.run(list(args), env=self.full_env(), capture_output=True, text=True, timeout=timeout)

    def start(self) -> "VirtualMic":
        started = self._run("pulseaudio", "--daemonize=yes", "--exit-idle-time=-1", "-n", "--use-pid-file=yes",
                            "--load=module-native-protocol-unix", f"--log-target=file:{self.folder / 'pulse.log'}")
        if started.returncode != 0:
            raise RuntimeError(f"pulseaudio did not start: {started.stderr.strip()}")
        for args in (("load-module", "module-null-sink", f"sink_name={MIC_SINK}", "rate=16000", "channels=1"),
                     ("load-module", "module-null-sink", f"sink_name={ROOM_SINK}"),
                     ("set-default-source", f"{MIC_SINK}.monitor"),
                     ("set-default-sink", ROOM_SINK)):
            done = self._run("pactl", *args)
            if done.returncode != 0:
                self.stop()
                raise RuntimeError(f"pactl {' '.join(args)}: {done.stderr.strip()}")
        return self

    def play(self, wav: Path) -> subprocess.Popen:
        """Speak a WAV into the microphone, in real time (paplay paces it)."""
        return subprocess.Popen(["paplay", f"--device={MIC_SINK}", str(wav)], env=self.full_env(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def stop(self) -> None:
        self._run("pulseaudio", "--kill")


class RoomEar:
    """Hears the room as a person at the table does: what the facilitator plays into the room sink.

    People wait until the facilitator has finished speaking before they talk (the microphone is
    shut while a cue plays); a test does the same with `wait_quiet`.
    """

    CHUNK = 800  # samples: 50 ms at 16 kHz

    def __init__(self, mic: VirtualMic, threshold: int = 200):
        import threading

        self.threshold = threshold
        self.sounds = 0            # times the room went from quiet to sound
        self.onsets: list[float] = []  # when (time.monotonic(), end of the 50 ms chunk) each sound began
        self.last_sound = float("-inf")
        self._loud = False
        self._lock = threading.Lock()
        self.proc = subprocess.Popen(["parec", f"--device={ROOM_SINK}.monitor", "--format=s16le", "--rate=16000",
                                      "--channels=1", "--raw", "--latency-msec=50"], env=mic.full_env(),
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._thread = threading.Thread(target=self._listen, name="room-ear", daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        import time

        import numpy as np

        while True:
            data = self.proc.stdout.read(self.CHUNK * 2)
            if not data:
                return
            loud = bool(np.abs(np.frombuffer(data, dtype="<i2").astype(np.int32)).max(initial=0) > self.threshold)
            with self._lock:
                if loud:
                    if not self._loud:
                        self.sounds += 1
                        self.onsets.append(time.monotonic())
                    self.last_sound = time.monotonic()
                self._loud = loud

    def quiet_for(self) -> float:
        """Seconds since the room last heard the facilitator (0 while it speaks)."""
        import time

        with self._lock:
            return 0.0 if self._loud else time.monotonic() - self.last_sound

    def wait_quiet(self, after: int, quiet: float, timeout: float) -> None:
        """Wait until the facilitator spoke (more than `after` sounds) and was then quiet `quiet` s."""
        import threading
        import time

        deadline = time.monotonic() + timeout
        while not (self.sounds > after and self.quiet_for() >= quiet):
            if time.monotonic() > deadline:
                raise AssertionError(f"the facilitator did not finish speaking within {timeout} s "
                                     f"(sounds heard: {self.sounds}, after {after})")
            threading.Event().wait(0.05)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self._thread.join(timeout=5)  # it reads to the end of the pipe, then the pipe can go
        self.proc.stdout.close()
