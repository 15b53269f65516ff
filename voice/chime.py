"""Short generated tones that announce a cue (or stand in for one when speech fails)."""

from __future__ import annotations

import numpy as np

CHIME_RATE = 22050  # the rate espeak-ng renders at, so chime and speech play on one stream

# (frequency Hz, seconds) per note; soft two-note rises read as "attention", not "alarm".
_NOTES = {
    "announce": [(660.0, 0.12), (880.0, 0.18)],
    "warning": [(880.0, 0.1), (0.0, 0.06), (880.0, 0.1)],
    "end": [(880.0, 0.12), (660.0, 0.12), (523.25, 0.24)],
}


def _note(freq: float, seconds: float, rate: int, volume: float) -> np.ndarray:
    n = int(rate * seconds)
    if freq <= 0:
        return np.zeros(n, dtype=np.float32)
    t = np.arange(n, dtype=np.float32) / rate
    tone = np.sin(2 * np.pi * freq * t) + 0.25 * np.sin(2 * np.pi * 2 * freq * t)
    # Raised-cosine fades: a tone that starts or stops abruptly clicks.
    fade = min(int(rate * 0.01), n // 2)
    if fade:
        ramp = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, fade, dtype=np.float32))
        tone[:fade] *= ramp
        tone[-fade:] *= ramp[::-1]
    return (tone / 1.25 * volume).astype(np.float32)


def chime_samples(kind: str = "announce", *, rate: int = CHIME_RATE, volume: float = 0.5) -> np.ndarray:
    """Mono int16 samples of the chime `kind` (announce, warning, end), with a short silence after."""
    notes = _NOTES.get(kind, _NOTES["announce"])
    parts = [_note(f, s, rate, volume) for f, s in notes]
    parts.append(np.zeros(int(rate * 0.15), dtype=np.float32))
    return (np.concatenate(parts) * 32767).astype(np.int16)
