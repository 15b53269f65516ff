"""Cue rendering: worker start, cold render per new cue, cached render; sizes and memory.

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


def main() -> None:
    header("voice TTS: pyttsx3 + espeak-ng (Dutch), worker process, cache")
    with tempfile.TemporaryDirectory() as cache:
        renderer = Renderer(cache)
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
    t0 = time.perf_counter()
    for _ in range(100):
        chime_samples("announce")
    chime_ms = (time.perf_counter() - t0) * 10
    print(f"voice {renderer.voice_id}; first cue incl. starting the worker process: {start_ms:.0f} ms "
          f"(ok={first.ok})")
    print(f"cold render, {len(CUES)} new cues ({audio:.1f} s of speech): p50 {percentile(cold, 50):.1f} ms, "
          f"p95 {percentile(cold, 95):.1f} ms, max {max(cold):.1f} ms")
    print(f"cached render ({len(cached)} look-ups): p50 {percentile(cached, 50):.3f} ms, "
          f"p95 {percentile(cached, 95):.3f} ms")
    print(f"chime generation: {chime_ms:.2f} ms")
    print(f"peak RSS: parent {peak_rss_mb():.0f} MB, speech worker {worker_mb:.0f} MB")


if __name__ == "__main__":
    main()
