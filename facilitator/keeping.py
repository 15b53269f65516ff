"""What goes into a meeting's log: the events that change the meeting, and no words that must not.

Replaying the log rebuilds the meeting, so an event that changed nothing can be left out
like a tick. What is left out on purpose: partial results (shown, never stored), words in
a step without transcript (private or silent), a command's own words, an utterance the
recogniser sent again, and a device failure reported again while it lasts.
"""

from __future__ import annotations

from facilitator.engine.state import State
from facilitator.events import DeviceEvent, Effect, Event, LineAdded, Tick, Utterance


def may_pass(state: State, event: Event) -> bool:
    """A guard before the engine: in a step without transcript not even a partial goes on."""
    if isinstance(event, Utterance) and not event.final:
        return state.step.transcribe and not state.step.silence
    return True


def kept(event: Event, effects: list[Effect], before: State, after: State) -> bool:
    """Whether an applied event goes into the log."""
    if isinstance(event, Tick):
        return False
    if isinstance(event, Utterance):
        # Words only when they became a transcript line.
        return event.final and any(isinstance(e, LineAdded) for e in effects)
    if isinstance(event, DeviceEvent):
        # The store's own reports are not written to the store; others only when they are news.
        return not event.kind.startswith("store_") and after.health != before.health
    return True
