"""The step engine: a pure function (state, event, now) -> (state, effects).

It reads no clock and does no I/O: everything comes in as an event with the
meeting clock's `now`, everything it wants done goes out as an effect. The same
events at the same times always give the same effects, which is what lets a
meeting be replayed from its log and a 75-minute meeting run in a test at once.

The seams: `timing` (clocks and what falls due), `steps`, `rounds`, `speech`
(attribution and transcript), `commands` and `content`, `health`; `cues` says things,
`facts` tells what changed. Screens are built outside, from the facts and `view`.
"""

from __future__ import annotations

from facilitator.events import Command, DeviceEvent, Effect, Event, SpeechActivity, Tick, Utterance
from facilitator.engine import commands, health, speech, timing
from facilitator.engine.state import Health, Outcomes, State, StepRecord
from facilitator.engine.setup import Setup
from facilitator.engine.facts import facts


def new_state(setup: Setup) -> State:
    return State(setup=setup, records=tuple(StepRecord() for _ in setup.method.steps),
                 outcomes=Outcomes(hulpvraag=setup.hulpvraag), health=Health(notices=setup.warnings))


def apply(state: State, event: Event, now: float) -> tuple[State, list[Effect]]:
    """Apply one event at clock time `now`; return the new state and the effects."""
    last = state.timer.last_clock
    if last is not None and now < last:
        now = last  # a clock never runs backwards inside a meeting
    out: list[Effect] = []
    before = state
    # Time-driven changes first, each at the exact moment it was due, so a replay of
    # the log without its ticks ends in the same state as the live run with them.
    state = timing.tick(state, now, out)
    state = state.evolve(timer=state.timer.evolve(last_clock=now))
    if isinstance(event, Command):
        state = commands.command(state, event, now, out)
    elif isinstance(event, Tick):
        state = timing.tick(state, now, out)
    elif isinstance(event, Utterance):
        state = speech.utterance(state, event, now, out)
    elif isinstance(event, SpeechActivity):
        state = speech.activity(state, event, now, out)
    elif isinstance(event, DeviceEvent):
        state = health.device(state, event, now, out)
    else:  # pragma: no cover - the type union is closed
        raise TypeError(f"unknown event {event!r}")
    if state.status == "running":
        state = timing.tick(state, now, out)
    state = speech.mark(state, now)
    out += facts(before, state)
    return state, out
