"""Room audio for speech tests: speech over a stated noise floor, pauses between people, a cough.

A room is never digitally silent. Every recording a speech test feeds the product is built
here: the spoken lines and pauses make a dry track, a noise bed at a stated level (dBFS RMS)
is generated for its whole length, and sox mixes the two. The noise is seeded, so the same
recording comes out byte for byte the same on every run.
"""

from __future__ import annotations

import hashlib
import math
import re
import subprocess
import tempfile
import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Union

import numpy as np

RATE = 16000
# A quiet meeting room (ventilation, a laptop fan); the house rule for speech tests.
FLOOR_DBFS = -60.0
FLOOR_RANGE = (-65.0, -50.0)  # what a speech test may state
PAUSE = 1.5  # seconds between two people
COUGH_SECONDS = 0.35

Pcm = Union[bytes, np.ndarray]


def dbfs(pcm: Pcm) -> float:
    """RMS level of int16 samples in dB below full scale."""
    x = _samples(pcm).astype(np.float64)
    rms = math.sqrt(float(np.mean(x * x))) if x.size else 0.0
    return 20 * math.log10(max(rms, 1e-9) / 32768.0)


def noise(seconds: float, dbfs: float, color: str = "pink", seed: int = 0) -> np.ndarray:
    """Steady noise at exactly `dbfs` RMS: "pink" (energy falling with frequency, as fans and
    ventilation make it), "brown" (a rumble, a chair pushed back) or "white" (a hiss)."""
    n = int(round(seconds * RATE))
    if n == 0:
        return np.zeros(0, dtype="<i2")
    rng = np.random.default_rng(seed)
    spectrum = np.fft.rfft(rng.normal(0.0, 1.0, n))
    freqs = np.fft.rfftfreq(n, 1.0 / RATE)
    shape = np.zeros_like(freqs)
    audible = freqs >= 40.0  # no DC or sub-bass rumble
    shape[audible] = {"white": 1.0, "pink": freqs[audible] ** -0.5, "brown": freqs[audible] ** -1.0}[color]
    out = np.fft.irfft(spectrum * shape, n)
    target = 32768.0 * 10 ** (dbfs / 20)
    out *= target / max(float(np.sqrt(np.mean(out * out))), 1e-12)
    return np.clip(np.round(out), -32768, 32767).astype("<i2")


def room_noise(seconds: float, floor_dbfs: float = FLOOR_DBFS, seed: int = 0) -> np.ndarray:
    """A room's noise floor: pink noise at `floor_dbfs`, which must be a real room's level."""
    if not FLOOR_RANGE[0] <= floor_dbfs <= FLOOR_RANGE[1]:
        raise ValueError(f"a room's noise floor is between {FLOOR_RANGE[0]} and {FLOOR_RANGE[1]} dBFS, "
                         f"not {floor_dbfs}")
    return noise(seconds, floor_dbfs, "pink", seed)


def cough(seed: int = 1) -> np.ndarray:
    """A short dry cough: a burst of band-limited noise with a fast attack, about -20 dBFS at its peak."""
    n = int(COUGH_SECONDS * RATE)
    rng = np.random.default_rng(seed)
    spectrum = np.fft.rfft(rng.normal(0.0, 1.0, n))
    freqs = np.fft.rfftfreq(n, 1.0 / RATE)
    spectrum[(freqs < 250) | (freqs > 4000)] = 0.0
    burst = np.fft.irfft(spectrum, n)
    t = np.arange(n) / RATE
    envelope = np.minimum(t / 0.015, 1.0) * np.exp(-t / 0.08)
    burst = burst * envelope
    burst *= 3300.0 / max(float(np.max(np.abs(burst))), 1e-12)
    return burst.astype("<i2")


def mix(dry: Pcm, floor_dbfs: float = FLOOR_DBFS, seed: int = 0) -> bytes:
    """`dry` (16 kHz mono int16) with the room's noise bed under it, mixed by sox."""
    samples = _samples(dry)
    bed = room_noise(len(samples) / RATE, floor_dbfs, seed)
    with tempfile.TemporaryDirectory(prefix="room-audio-") as tmp:
        a, b, out = Path(tmp) / "dry.wav", Path(tmp) / "noise.wav", Path(tmp) / "room.wav"
        _write(a, samples.tobytes())
        _write(b, bed.tobytes())
        # -m: mix; -v 1 each: no 1/n scaling; -D: no dither; -R: repeatable.
        subprocess.run(["sox", "-R", "-D", "-m", "-v", "1", str(a), "-v", "1", str(b), "-b", "16", str(out)],
                       check=True, capture_output=True)
        with wave.open(str(out), "rb") as w:
            return w.readframes(w.getnframes())


@dataclass
class Line:
    """One spoken line: its text, and where it starts and its speech ends in the stream (seconds)."""

    text: Optional[str]
    start: float
    speech_end: float


@dataclass
class Room:
    """Builds a recording: lines, pauses, coughs on a dry track; `pcm()` puts the room under it."""

    floor_dbfs: float = FLOOR_DBFS
    seed: int = 7
    parts: list[np.ndarray] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    coughs: list[float] = field(default_factory=list)
    t: float = 0.0

    def pause(self, seconds: float) -> "Room":
        n = int(round(seconds * RATE))
        self.parts.append(np.zeros(n, dtype="<i2"))
        self.t += n / RATE
        return self

    def say(self, pcm: Pcm, text: Optional[str] = None, gap: float = PAUSE) -> Line:
        samples = _samples(pcm)
        loud = np.nonzero(np.abs(samples.astype(np.int32)) > 300)[0]
        end = self.t + ((loud[-1] + 1) / RATE if loud.size else 0.0)
        line = Line(text, self.t, end)
        self.lines.append(line)
        self.parts.append(samples)
        self.t += len(samples) / RATE
        self.pause(gap)
        return line

    def cough(self, gap: float = 1.0) -> float:
        at = self.t
        burst = cough(self.seed + len(self.coughs) + 1)
        self.coughs.append(at)
        self.parts.append(burst)
        self.t += len(burst) / RATE
        self.pause(gap)
        return at

    def noise(self, seconds: float, dbfs: float, color: str = "pink", gap: float = 1.0) -> float:
        """A louder stretch of noise than the floor (a chair pushed back, a murmur in the hall)."""
        at = self.t
        self.parts.append(noise(seconds, dbfs, color, self.seed + 100 + len(self.parts)))
        self.t += round(seconds * RATE) / RATE
        self.pause(gap)
        return at

    def dry(self) -> np.ndarray:
        return np.concatenate(self.parts) if self.parts else np.zeros(0, dtype="<i2")

    def pcm(self) -> bytes:
        return mix(self.dry(), self.floor_dbfs, self.seed)

    def write(self, path: Union[str, Path]) -> Path:
        return _write(Path(path), self.pcm())


DUTCH_VOICES = ("nl", "nl+f3", "nl+m3", "nl+f5")  # espeak-ng's Dutch voice and three variants


def espeak_nl(text: str, voice: str, cache_dir: Path, speed: int = 160) -> bytes:
    """Dutch speech from espeak-ng with `voice`, as 16 kHz mono int16 (resampled by sox), cached."""
    name = hashlib.sha1(f"{voice}:{speed}:{text}".encode()).hexdigest()[:12]
    out = Path(cache_dir) / f"nl-{name}.wav"
    if not out.exists():
        raw = out.with_suffix(".raw.wav")
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(raw), text], check=True)
        subprocess.run(["sox", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(out)], check=True)
        raw.unlink()
    with wave.open(str(out), "rb") as w:
        return w.readframes(w.getnframes())


def room_silence(seconds: float, floor_dbfs: float = FLOOR_DBFS, seed: int = 0) -> bytes:
    """What a quiet room sounds like for `seconds`: the noise floor alone."""
    return room_noise(seconds, floor_dbfs, seed).tobytes()


def _samples(pcm: Pcm) -> np.ndarray:
    if isinstance(pcm, np.ndarray):
        return pcm.astype("<i2", copy=False)
    return np.frombuffer(pcm, dtype="<i2")


def _write(path: Path, pcm: bytes) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm)
    return path


# -- on files (sox throughout) ---------------------------------------------------------

def rms_dbfs(path: Path) -> float:
    out = subprocess.run(["sox", str(path), "-n", "stats"], capture_output=True, text=True, check=True).stderr
    return float(re.search(r"RMS lev dB\s+(-?[\d.]+|-inf)", out).group(1))


def mix_noise(wav: Path, dbfs: float, out: Path, color: str = "pinknoise", seed: int = 3) -> Path:
    """`wav` with steady `color` noise (white, pink, brown) at `dbfs` RMS mixed under all of it."""
    length = subprocess.run(["soxi", "-D", str(wav)], capture_output=True, text=True, check=True).stdout.strip()
    noise = out.with_suffix(".noise.wav")
    subprocess.run(["sox", "-R", "-n", "-r", "16000", "-c", "1", "-b", "16", str(noise), "synth", length, color],
                   check=True, env={"SOX_OPTS": "", "PATH": "/usr/bin:/bin"})
    gain = dbfs - rms_dbfs(noise)
    subprocess.run(["sox", "-m", "-v", "1", str(wav), "-v", f"{10 ** (gain / 20):.6f}", str(noise), str(out)],
                   check=True)
    noise.unlink()
    return out
