"""A meeting run by buttons alone (no voice), on a day's clock the test sets: for the verslag's time tests."""

from __future__ import annotations

from datetime import datetime

from methods.guides import checklists

PEOPLE = ["Anna", "Bram", "Carla", "Dirk", "Eva"]
METHOD = "progressiegerichte-intervisie"  # presenteren 3, verhelderen 5 (a round), waarderen 3, adviseren 5, ...
TURNS = {"Bram": 40, "Carla": 70, "Dirk": 30, "Eva": 50}  # seconds each holds the turn in verhelderen


def set_day_clock(service, clock, hour: int = 14, minute: int = 0) -> None:
    """The store stamps the day's clock as `hour:minute` now, moving on with the test's clock."""
    start = datetime.now().replace(hour=hour, minute=minute, second=0, microsecond=0).timestamp()
    at = clock()
    service.store.wall = lambda: start + (clock() - at)


def run_by_buttons(service, clock, *, setup_minutes: float = 10) -> str:
    """Created at 14:00, started at 14:10: presenteren 3:20, a round of four turns, waarderen skipped."""
    set_day_clock(service, clock)
    mid = service.create(METHOD, PEOPLE, "Anna", hulpvraag="Hoe houd ik grip op mijn planning?")
    clock.advance(setup_minutes * 60)                  # setting up: not meeting time
    service.command(mid, "start")                       # 14:10
    clock.advance(20)
    service.command(mid, "note", text="Bram moet om vier uur weg")  # 0:20 after Start
    clock.advance(180)
    service.command(mid, "next_step")                   # verhelderen at 14:13:20
    for seconds in TURNS.values():
        clock.advance(seconds)
        service.command(mid, "next_turn")
    service.command(mid, "next_step")                   # waarderen
    clock.advance(15)
    service.command(mid, "skip")                        # adviseren at 14:16:45
    clock.advance(60)
    service.command(mid, "extend")                      # a minute more
    clock.advance(6 * 60)                               # 7:00 of 6:00: a minute over
    service.command(mid, "finish")                      # 14:23:45
    reflectie = checklists().get("reflectie").id
    service.command(mid, "checklist", checklist=reflectie, index=0, column="doe_ik_al", checked=True)
    service.command(mid, "checklist", checklist=reflectie, index=1, column="wil_ik_meer", checked=True)
    service.command(mid, "checklist", checklist=reflectie, index=1, text="Vaker de tijd bewaken")
    return mid


def run_without_any_turn(service, clock) -> str:
    """Started and finished in the first step: no voice, no round, so no speaking time at all."""
    set_day_clock(service, clock, 9, 30)
    mid = service.create(METHOD, PEOPLE, "Anna")
    service.command(mid, "start")
    clock.advance(90)
    service.command(mid, "finish")
    return mid
