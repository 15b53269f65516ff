"""What one change costs between the engine and the screens: view builds, stored rows, SSE messages.

A MeetingService on a real SQLite file with one screen subscribed runs case-clinic on a moved
clock. Per kind of change it counts:
- view builds (calls of the engine's `view` from the service),
- rows the meeting log stored,
- SSE messages the screen got (and how many of them were whole `state` views),
and, for partials in a step without transcript, whether any word reached the store or a screen.

    .venv/bin/python benchmarks/publish_per_change.py [--partials N]

Run it with PYTHONPATH pointing at an older checkout to get the figures from before
(it understands both the old message dicts and the new updates).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "engine"))

import facilitator.service as service_module  # noqa: E402
from engine_sim import Clock, library  # noqa: E402
from facilitator.events import Command, Utterance  # noqa: E402
from facilitator.service import MeetingService  # noqa: E402

PEOPLE = ["Anna", "Ben", "Carla", "Dirk", "Eva"]
SECRET = "zwijgwoord"


class Counter:
    """Counts view builds wherever the code under test builds them (before: the engine did too)."""

    def __init__(self):
        import facilitator.engine.core as core

        self.views = 0
        for module in (service_module, core):
            real = getattr(module, "view", None)
            if real is not None:
                setattr(module, "view", self._counting(real))

    def _counting(self, real):
        def counting(state, now):
            self.views += 1
            return real(state, now)
        return counting


def drain(sub) -> list[tuple[str, object]]:
    """The SSE messages (kind, data) waiting for a screen, whatever the queue holds."""
    try:
        from web.messages import messages
    except ImportError:  # before: the queue held one message dict each
        messages = None
    out = []
    while (item := sub.get(timeout=0)) is not None:
        if messages is None:
            out.append((item["type"], item["data"]))
        else:
            out += list(messages(item))
    return out


def measure(n_partials: int) -> dict[str, float]:
    counter = Counter()
    clock = Clock(1000.0)
    with tempfile.TemporaryDirectory() as tmp:
        service = MeetingService(Path(tmp), library(), clock=clock)
        mid = service.create("case-clinic", PEOPLE, "Anna")
        sub = service.subscribe(mid)
        service.command(mid, "start")
        drain(sub)
        figures: dict[str, float] = {}

        def step(name, action, n):
            drain(sub)
            rows0, views0 = len(service.store.events(mid)), counter.views
            sent = []
            t0 = time.perf_counter()
            for i in range(n):
                clock.advance(0.25)
                action(i)
                sent += drain(sub)
            figures[f"{name}: seconds each"] = (time.perf_counter() - t0) / n
            figures[f"{name}: view builds each"] = (counter.views - views0) / n
            figures[f"{name}: stored rows each"] = (len(service.store.events(mid)) - rows0) / n
            figures[f"{name}: SSE messages each"] = len(sent) / n
            figures[f"{name}: whole-state messages each"] = sum(1 for k, _ in sent if k == "state") / n
            return sent

        # A command that moves the meeting (next step: cues, a new step, a round).
        step("command 'next_step'", lambda i: service.command(mid, "next_step"), 1)
        step("command 'remaining'", lambda i: service.command(mid, "remaining"), 20)
        # Partials while the inbrenger talks (a transcribed step).
        step("partial (transcribed step)", lambda i: service.feed(
            mid, Utterance(" ".join(["het", "gaat", "over"] * (1 + i % 4)), 1.0, 1.5, final=False)), n_partials)
        step("final", lambda i: service.feed(
            mid, Utterance(f"zin {i}", clock.t - 2, clock.t - 0.5, id=f"f{i}")), 20)
        # To the silence (transcribe = false): nothing said there may go anywhere.
        while not service.state(mid).step.silence:
            service.command(mid, "next_step")
        drain(sub)
        sent = step("partial (step without transcript)", lambda i: service.feed(
            mid, Utterance(f"mijn {SECRET}", 1.0, 1.5, final=False)), n_partials)
        stored_words = sum(1 for e in service.store.events(mid)
                           if isinstance(e.event, Utterance) and SECRET in e.event.text)
        figures["step without transcript: stored utterances with its words"] = stored_words
        figures["step without transcript: messages with its words"] = sum(1 for _, d in sent if SECRET in repr(d))
        service.store.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partials", type=int, default=200)
    args = parser.parse_args()
    print(f"publish per change · {platform.python_implementation()} {platform.python_version()} · "
          f"cores: {os.cpu_count()} · code: {Path(service_module.__file__).resolve().parents[1]}")
    for name, value in measure(args.partials).items():
        if name.endswith("seconds each"):
            print(f"  {name:<62} {value * 1000:8.3f} ms")
        else:
            print(f"  {name:<62} {value:8.2f}")


if __name__ == "__main__":
    main()
