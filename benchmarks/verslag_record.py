"""How long the verslag takes to build (the Terugblik, the printable verslag and the exports all build it),
for a meeting run by buttons alone, where speaking time is worked out by replaying the log for the turns
held, beside the same meeting with voice, where it is not.

    .venv/bin/python benchmarks/verslag_record.py [--rounds 40] [--repeat 20]

Figures: events in the log, milliseconds per record() (median of --repeat), with the core count.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from facilitator.events import SpeechActivity, Utterance  # noqa: E402
from facilitator.service import MeetingService  # noqa: E402
from methods import load_library  # noqa: E402

PEOPLE = ["Anna", "Bram", "Carla", "Dirk", "Eva", "Femke", "Gert", "Hanna"]


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def meeting(service: MeetingService, clock: Clock, rounds: int, voice: bool) -> str:
    """A Case Clinic whose spiegelen round goes round `rounds` times, each turn 20 s (voice: spoken)."""
    mid = service.create("case-clinic", PEOPLE, "Anna")
    service.command(mid, "start")
    for _ in range(3):
        clock.t += 60
        service.command(mid, "next_step")
    for i in range(rounds * (len(PEOPLE) - 1)):
        if voice:
            start = service.now(mid)
            service.feed(mid, SpeechActivity(True, start))
            clock.t += 20
            service.feed(mid, SpeechActivity(False, service.now(mid)))
            service.feed(mid, Utterance(f"Beeld {i}: wat er bij mij opkwam", start, service.now(mid)))
        else:
            clock.t += 20
        service.command(mid, "next_turn")
    service.command(mid, "finish")
    return mid


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    library = load_library(None)
    print(f"cores: {os.cpu_count()}")
    for voice in (False, True):
        clock = Clock()
        with tempfile.TemporaryDirectory() as tmp:
            service = MeetingService(Path(tmp), library, clock=clock)
            mid = meeting(service, clock, args.rounds, voice)
            events = len(service.store.events(mid))
            times = []
            for _ in range(args.repeat):
                began = time.perf_counter()
                record = service.record(mid)
                times.append((time.perf_counter() - began) * 1000)
            basis = record["speaking_basis"]
            print(f"{'with voice' if voice else 'buttons only'}: {events} events, speaking time from {basis}: "
                  f"record() {statistics.median(times):.1f} ms (median of {args.repeat})")
            service.close()
            service.store.close()


if __name__ == "__main__":
    main()
