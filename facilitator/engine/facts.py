"""The facts an event left behind, read off the state before and after it.

Say, Chime, Rejected, Heard and OutcomeNoted are emitted where they happen; the facts
here follow from the state alone, so no code path that changes a step, a turn, a line
or a notice can forget to tell.
"""

from __future__ import annotations

from facilitator.events import (Effect, LineAdded, LineChanged, LineRemoved, NoticeCleared, NoticeRaised,
                                SpeakingChanged, StatusChanged, StepEntered, TimerChanged, TurnMoved)
from facilitator.engine.state import RoundState, State


def facts(before: State, after: State) -> list[Effect]:
    out: list[Effect] = []
    if before.status != after.status:
        out.append(StatusChanged(after.status))
    index = after.step_index
    entered = index != before.step_index or before.records[index].visits != after.records[index].visits
    if entered:
        out.append(StepEntered(index))
    elif _clock(before) != _clock(after):
        out.append(TimerChanged(*_clock(after)))
    if after.round is not None and (entered or _turn(before.round) != _turn(after.round)):
        out.append(TurnMoved(after.round.turn, after.round.number, after.round.responding, after.round.done))
    if before.transcript is not after.transcript:
        out += _lines(before, after)
    if _talk(before) != _talk(after):
        out.append(SpeakingChanged(after.speech.who if after.speech.since is not None else None))
    old, new = before.health.notices, after.health.notices
    if old != new:
        out += [NoticeCleared(n) for n in old if n not in new]
        out += [NoticeRaised(n) for n in new if n not in old]
    return out


def _clock(state: State) -> tuple:
    return state.timer.warned, state.timer.time_up, state.timer.extra_seconds


def _turn(turns: RoundState | None) -> tuple | None:
    if turns is None:
        return None
    return turns.turn, turns.number, turns.responding, turns.done, turns.passed


def _talk(state: State) -> tuple:
    talk = state.speech
    return talk.who, talk.since is None, talk.booked


def _lines(before: State, after: State) -> list[Effect]:
    old = {line.id: line for line in before.transcript}
    new_ids = {line.id for line in after.transcript}
    out: list[Effect] = [LineRemoved(line_id) for line_id in old if line_id not in new_ids]
    for line in after.transcript:
        was = old.get(line.id)
        if was is None:
            out.append(LineAdded(line))
        elif was != line:
            out.append(LineChanged(line))
    return out
