"""Saying things: the one place the engine emits a cue (and a chime) or rejects a command."""

from __future__ import annotations

from facilitator.events import Chime, Effect, Rejected, Say
from facilitator.engine import phrases
from facilitator.engine.state import State


def fill(state: State, template: str) -> str:
    """A cue with this meeting's {inbrenger} and {procesbegeleider} in it."""
    return phrases.fill_cue(template, inbrenger=state.inbrenger, procesbegeleider=state.setup.procesbegeleider)


def say(state: State, out: list[Effect], text: str, kind: str, chime: bool = False) -> State:
    if chime:
        out.append(Chime("warning" if kind == "warning" else "end" if kind == "end" else "announce"))
    if "{" in text:  # warning and end cues may name the inbrenger too
        text = fill(state, text)
    out.append(Say(text, kind))  # type: ignore[arg-type]
    return state


def by_hand(effects: list[Effect]) -> list[Effect]:
    """The same effects for a room without voice: cues and refusals speak of buttons and keys."""
    def plain(effect: Effect) -> Effect:
        if isinstance(effect, Say):
            return Say(phrases.by_hand(effect.text), effect.kind)
        if isinstance(effect, Rejected):
            return Rejected(effect.command, phrases.by_hand(effect.reason))
        return effect
    return [plain(e) for e in effects]


def reject(state: State, out: list[Effect], command: str, reason: str) -> State:
    out.append(Rejected(command, reason))
    return state
