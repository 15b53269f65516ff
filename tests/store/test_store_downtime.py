"""When the laptop was down: a pause by default, meeting time when downtime_is_pause is off."""

from __future__ import annotations

import sqlite3

import pytest

from engine_sim import Clock
from facilitator.service import MeetingService

PEOPLE = ["Anna", "Ben", "Carla", "Dirk", "Eva"]
DOWN = 600.0  # ten minutes without power


def stopped_in_intentie(tmp_path, lib, clock, options):
    """A meeting 100 s into its intentie step (15 minutes), heartbeat written; then the process dies."""
    service = MeetingService(tmp_path, lib, clock=clock)
    mid = service.create("case-clinic", PEOPLE, "Anna", options=options)
    service.command(mid, "start")
    clock.advance(30)
    service.command(mid, "next_step")
    clock.advance(100)
    service.tick()
    assert service.view(mid)["step"]["remaining_seconds"] == pytest.approx(800)
    service.store.close()
    # The store stamps each write with the wall clock; the machine was off DOWN seconds since then.
    with sqlite3.connect(tmp_path / "facilitator.db") as db:
        db.execute("UPDATE meetings SET last_wall = last_wall - ? WHERE id = ?", (DOWN, mid))
    return mid


@pytest.mark.parametrize("options, counted", [(None, 0.0), ({"downtime_is_pause": True}, 0.0),
                                              ({"downtime_is_pause": False}, DOWN)])
def test_the_time_the_laptop_was_down(tmp_path, lib, clock, options, counted):
    mid = stopped_in_intentie(tmp_path, lib, clock, options)
    again = MeetingService(tmp_path, lib, clock=Clock(clock.t + 5 * 3600))  # a new monotonic clock
    view = again.view(mid)
    assert view["status"] == "running" and view["step"]["index"] == 1
    assert view["step"]["remaining_seconds"] == pytest.approx(800 - counted, abs=2.0)
    assert view["elapsed_seconds"] == pytest.approx(130 + counted, abs=2.0)
