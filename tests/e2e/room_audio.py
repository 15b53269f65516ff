"""Room audio for tests: steady noise under a whole recording, generated and mixed by sox.

(A shared room-audio helper is being built for tests/; until it lands this one serves the voice
and room-noise tests.)"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path


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
