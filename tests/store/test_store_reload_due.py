"""A reload applies what fell due before the crash or while the machine was down.

The log holds events, not ticks: a step that ended by itself (a silence's time ran out, or
auto-advance) left no event behind. Reopening the meeting must still show the step the live
run had reached, not announce the old step's end a second time, and, when downtime counts as
meeting time, end a step whose time ran out while the laptop was off.
"""

from __future__ import annotations

import sqlite3

import pytest

from engine_sim import Clock
from facilitator.events import Say
from facilitator.service import MeetingService

PEOPLE = ["Anna", "Ben", "Carla", "Dirk", "Eva"]
STILTE, SPIEGELEN = 2, 3   # case-clinic: a 3-minute silence that ends by itself, then 10 minutes of spiegelen


def into_stilte(tmp_path, lib, clock, options=None):
    service = MeetingService(tmp_path, lib, clock=clock)
    mid = service.create("case-clinic", PEOPLE, "Anna", options=options)
    service.command(mid, "start")
    clock.advance(30)
    service.command(mid, "next_step")
    clock.advance(60)
    service.command(mid, "next_step")
    assert service.view(mid)["step"]["index"] == STILTE
    return service, mid


def crash(service, tmp_path, mid, down: float = 0.0):
    """The process dies without a clean stop; the machine stays off `down` seconds."""
    service.store.close()
    if down:
        with sqlite3.connect(tmp_path / "facilitator.db") as db:
            db.execute("UPDATE meetings SET last_wall = last_wall - ? WHERE id = ?", (down, mid))


def test_a_silence_that_ended_before_the_crash_stays_ended(tmp_path, lib, clock):
    service, mid = into_stilte(tmp_path, lib, clock)
    clock.advance(3 * 60 + 20)
    service.tick()  # the silence ends by itself; the heartbeat stores the clock, no event is logged
    live = service.view(mid)
    assert live["step"]["index"] == SPIEGELEN
    crash(service, tmp_path, mid)

    again_clock = Clock(clock.t + 7200)
    again = MeetingService(tmp_path, lib, clock=again_clock)
    said: list[str] = []
    again.on_effect(lambda _mid, eff: said.append(eff.text) if isinstance(eff, Say) else None)
    view = again.view(mid)
    assert view["step"]["index"] == SPIEGELEN
    assert view["step"]["remaining_seconds"] == pytest.approx(live["step"]["remaining_seconds"], abs=1e-6)
    assert view["last_say"] == live["last_say"]
    assert again.meetings()[0]["step"] == live["step"]["title"]
    again_clock.advance(1)
    again.tick()
    assert said == []  # the silence's end was said before the crash: not again


def test_a_silence_that_ran_out_while_the_laptop_was_down(tmp_path, lib, clock):
    service, mid = into_stilte(tmp_path, lib, clock, {"downtime_is_pause": False})
    clock.advance(120)
    service.tick()
    crash(service, tmp_path, mid, down=600)

    again = MeetingService(tmp_path, lib, clock=Clock(clock.t + 7200))
    view = again.view(mid)
    # 60 s of the silence were left; the other 540 s of the downtime ran in spiegelen.
    assert view["step"]["index"] == SPIEGELEN
    assert view["step"]["remaining_seconds"] == pytest.approx(600 - 540, abs=2.0)
