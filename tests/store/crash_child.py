"""A meeting writer for the crash test: run as a child process, killed with SIGKILL at random points.

    python crash_child.py DATA_DIR (new|MEETING_ID) RUN SEED

Its clock is its own monotonic offset clock: it starts anywhere and moves forward a random
bit before every event, so a restart sees a jump (downtime) it must not count. After each
event is through the service (and so committed), it prints one JSON line.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from facilitator.engine import remaining_seconds
from facilitator.events import Command, LineAdded, SpeechActivity, Utterance
from facilitator.service import MeetingService
from methods import load_library


class OffsetClock:
    def __init__(self, start: float):
        self.t = start

    def __call__(self) -> float:
        return self.t


def main() -> None:
    data, mid, run, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    rng = random.Random(seed)
    clock = OffsetClock(100_000.0 * run)
    service = MeetingService(Path(data), load_library(None), clock=clock)
    if mid == "new":
        mid = service.create("case-clinic", ["Anna", "Ben", "Carla", "Dirk", "Eva"], "Anna")
        service.command(mid, "start")
    count = len(service.store.events(mid))
    fed: list[str] = []
    print(json.dumps({"meeting": mid, "count": count}), flush=True)
    i = 0
    while True:
        i += 1
        clock.t += rng.uniform(0.2, 4.0)
        state = service.state(mid)
        r = rng.random()
        uid = None
        if r < 0.5:
            uid = f"r{run}-{i}"
            event = Utterance(f"ronde {run} zin {i}", clock.t - 1.5, clock.t - 0.2, id=uid)
        elif r < 0.6 and fed:
            uid = rng.choice(fed)  # the recogniser sends one again
            event = Utterance("opnieuw", clock.t - 1.5, clock.t - 0.2, id=uid)
        elif r < 0.75:
            event = SpeechActivity(rng.random() < 0.5, clock.t)
        elif r < 0.8 and state.step_index < 4:
            event = Command("next_step")
        else:
            # Never past the dialoog (index 4): the meeting must not finish on its own.
            event = Command(rng.choice(["next_turn", "pass", "remaining", "extend", "note"]),
                            args={"text": f"notitie {i}"} if rng.random() < 0.5 else {})
        effects = service.feed(mid, event)
        service.tick()
        # Words are kept only when they became a line (not again, not in a step without transcript).
        kept = uid is None or any(isinstance(e, LineAdded) for e in effects)
        if kept:
            count += 1
            if uid is not None:
                fed.append(uid)
        state = service.state(mid)
        print(json.dumps({"i": i, "count": count, "id": uid if kept else None, "step": state.step_index,
                          "status": state.status, "now": service.now(mid),
                          "remaining": remaining_seconds(state, service.now(mid))}), flush=True)


if __name__ == "__main__":
    main()
