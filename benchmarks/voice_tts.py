"""Cue rendering per engine (espeak-ng, Piper): worker start, new cue, cached cue; real-time factor, memory.

    .venv/bin/python benchmarks/voice_tts.py
"""

from __future__ import annotations

import tempfile
import time
import wave

from voice_common import header, peak_rss_mb, percentile

from voice.chime import chime_samples
from voice.tts import Renderer

CUES = [
    "Welkom bij de intervisie. We werken vandaag met de Case Clinic.",
    "Stap één: de inbrenger vertelt over de casus. Je hebt tien minuten.",
    "Stap twee: de deelnemers stellen verhelderende vragen.",
    "Nog één minuut.",
    "De tijd voor deze stap is om.",
    "Het woord is aan Anna.",
    "Het woord is aan Bram.",
    "Het woord is aan Carla.",
    "Dank je wel. De volgende is aan de beurt.",
    "Stap drie: formuleer samen de hulpvraag.",
    "De inbrenger kiest de hulpvraag die het best past.",
    "Stap vier: iedereen geeft een tip, zonder discussie.",
    "We pauzeren. Zeg verder als jullie klaar zijn.",
    "We gaan verder.",
    "Stap vijf: de inbrenger reageert op de tips.",
    "Wat neem je mee uit deze bespreking?",
    "Stap zes: evaluatie. Hoe ging het proces?",
    "Nog twee minuten voor deze stap.",
    "De vergadering is afgelopen. Dank jullie wel.",
    "Er is nog vijf minuten over.",
]


def worker_peak_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def engines() -> list[tuple[str, dict]]:
    """espeak-ng Dutch, and every Piper voice that is installed (the PyPI English one in tests)."""
    from voice.piper_voices import installed_voices

    found = [(f"Piper {v.name}", dict(engine="piper", voice=v.name, model=v.model)) for v in installed_voices()]
    return [("espeak-ng nl", dict(voice="nl"))] + found


def bench(label: str, options: dict) -> None:
    with tempfile.TemporaryDirectory() as cache:
        renderer = Renderer(cache, **options)
        t0 = time.perf_counter()
        first = renderer.render("Goedemorgen.")
        start_ms = (time.perf_counter() - t0) * 1000
        cold, audio = [], 0.0
        for text in CUES:
            r = renderer.render(text)
            assert r.ok and not r.cached, r.error
            cold.append(r.seconds * 1000)
            with wave.open(str(r.path)) as w:
                audio += w.getnframes() / w.getframerate()
        cached = [renderer.render(text).seconds * 1000 for text in CUES for _ in range(5)]
        worker_mb = worker_peak_mb(renderer.worker_pid)
        renderer.close()
    print(f"{label} (worker voice {renderer.voice_id}):")
    print(f"  first cue incl. starting the worker process: {start_ms:.0f} ms (ok={first.ok})")
    print(f"  new cues, {len(CUES)} ({audio:.1f} s of speech): p50 {percentile(cold, 50):.1f} ms, "
          f"p95 {percentile(cold, 95):.1f} ms, max {max(cold):.1f} ms; real-time factor "
          f"{sum(cold) / 1000 / audio:.3f} (below 1: faster than real time)")
    print(f"  cached ({len(cached)} look-ups): p50 {percentile(cached, 50):.3f} ms, p95 {percentile(cached, 95):.3f} ms")
    print(f"  speech worker peak RSS {worker_mb:.0f} MB")


def main() -> None:
    header("voice TTS per engine: worker process, first / new / cached cue")
    for label, options in engines():
        bench(label, options)
    t0 = time.perf_counter()
    for _ in range(100):
        chime_samples("announce")
    print(f"chime generation: {(time.perf_counter() - t0) * 10:.2f} ms; parent peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
