"""Steps: entering one (its cue, its first turn), leaving it (booking its time), finishing."""

from __future__ import annotations

from facilitator.events import Effect
from facilitator.engine import cues, phrases, rounds, speech
from facilitator.engine.state import State, Timer
from facilitator.engine.timing import close_stretch, planned_seconds


def enter_step(state: State, index: int, now: float, out: list[Effect]) -> State:
    """Start step `index`: reset its clock, announce it, and call the first turn."""
    state = state.with_record(index, visits=state.records[index].visits + 1)
    timer = Timer(since=now if state.status == "running" else None, meeting_active=state.timer.meeting_active,
                  started_at=state.timer.started_at, last_clock=state.timer.last_clock)
    state = state.evolve(step_index=index, timer=timer, round=None)
    step = state.step
    text = cues.fill(state, step.cue)
    if index > 0:  # the first step's cue is the welcome; later steps say where we are
        text = phrases.step_heading(index + 1, step) + " " + text
    elif state.setup.options.spelregels and "spelregels" not in state.hints:
        # After the welcome, before anyone gets the word: once per meeting.
        text += " " + phrases.spelregels()
        state = state.evolve(hints=state.hints + ("spelregels",))
    if step.round is not None:
        state, intro = rounds.open_round(state)
        if intro:
            text += " " + intro
    state = speech.mark(state, now)
    state = cues.say(state, out, text, "instruction", chime=True)
    if state.round is not None and state.round.turn:
        state = cues.say(state, out, phrases.turn_call(step.round, state.round.turn), "turn")
    return state


def leave_step(state: State, now: float) -> State:
    state = close_stretch(state, now, keep_running=True)
    planned = planned_seconds(state)
    over = max(0.0, state.timer.step_active - planned) if planned > 0 else 0.0
    record = state.records[state.step_index]
    state = state.with_record(state.step_index, over_seconds=record.over_seconds + over)
    return speech.end_segment(state, now)


def advance(state: State, now: float, out: list[Effect], end_said: bool = False) -> State:
    state = leave_step(state, now)
    if state.step_index + 1 >= len(state.method.steps):
        return finish(state, now, out, end_said=end_said)
    return enter_step(state, state.step_index + 1, now, out)


def finish(state: State, now: float, out: list[Effect], end_said: bool = False) -> State:
    if state.status in ("running", "paused"):
        state = close_stretch(state, now, keep_running=False)
    state = state.evolve(status="finished", timer=state.timer.evolve(since=None), round=None)
    state = speech.end_segment(state, now)
    state = speech.mark(state, now)  # at the moment it ended, also when a later tick noticed it
    if end_said:
        return state  # the last step's own end cue was just said
    on_last = state.step_index + 1 >= len(state.method.steps)
    return cues.say(state, out, phrases.finished(state.step if on_last else None), "end", chime=True)


def resume_quietly(state: State, now: float) -> State:
    return state.evolve(status="running", timer=state.timer.evolve(since=now))
