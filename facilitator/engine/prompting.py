"""Prompts within a step, one after another (AKAD's compensatiematrix: cliënt, netwerk, informeel, formeel):
the first when the step's free talk begins, the next ones spread over the time before the warning, or at
once with "volgende"."""

from __future__ import annotations

from typing import Optional

from facilitator.events import Effect
from facilitator.engine import cues
from facilitator.engine.state import Prompting, State
from facilitator.engine.timing import near_end_at, remaining_seconds, step_elapsed


def begin(state: State, now: float) -> tuple[State, Optional[str]]:
    """The free talk begins: the first prompt (to say with the cue), the others planned."""
    prompts = state.step.prompts
    if not prompts:
        return state, None
    left = max(0.0, remaining_seconds(state, now) - near_end_at(state))
    every = left / len(prompts)
    plan = Prompting(next=1, every=every, due=step_elapsed(state, now) + every) if len(prompts) > 1 else None
    return state.evolve(prompting=plan), cues.fill(state, prompts[0])


def until(state: State, now: float) -> Optional[float]:
    """Seconds until the next prompt falls due (None: no more prompts)."""
    plan = state.prompting
    return None if plan is None else plan.due - step_elapsed(state, now)


def give_next(state: State, now: float, out: list[Effect]) -> State:
    """Say the next prompt; the one after it follows a share of the time later."""
    plan = state.prompting
    assert plan is not None
    prompts = state.step.prompts
    state = cues.say(state, out, cues.fill(state, prompts[plan.next]), "info")
    following = plan.next + 1
    if following >= len(prompts):
        return state.evolve(prompting=None)
    return state.evolve(prompting=Prompting(next=following, every=plan.every,
                                            due=step_elapsed(state, now) + plan.every))
