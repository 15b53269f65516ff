"""Time: how long the step and the meeting ran, and what falls due as time passes.

Running time is booked in stretches: `timer.since` is when the current stretch began,
`timer.step_active` what the step had before it. Nothing here reads a clock.
"""

from __future__ import annotations

from typing import Optional

from facilitator.events import Effect
from facilitator.engine import cues, phrases
from facilitator.engine.state import State


def step_elapsed(state: State, now: float) -> float:
    timer = state.timer
    running = state.status == "running" and timer.since is not None
    return timer.step_active + (max(0.0, now - timer.since) if running else 0.0)


def meeting_elapsed(state: State, now: float) -> float:
    timer = state.timer
    running = state.status == "running" and timer.since is not None
    return timer.meeting_active + (max(0.0, now - timer.since) if running else 0.0)


def planned_seconds(state: State) -> float:
    return state.step.planned_minutes * 60.0 + state.timer.extra_seconds


def remaining_seconds(state: State, now: float) -> float:
    return planned_seconds(state) - step_elapsed(state, now)


def near_end_at(state: State) -> float:
    """Seconds before the end when a step is near it: the warning time, or, in a step too short
    for that (a minute's warning in a two-minute step would come at half time), its last quarter."""
    planned = planned_seconds(state)
    warn = state.setup.options.warning_seconds
    if planned <= 0:
        return 0.0
    return warn if planned > 2 * warn else planned / 4


def turn_budget(state: State) -> Optional[int]:
    plan = state.step.round
    if plan is None:
        return None
    return plan.turn_seconds or state.setup.options.turn_seconds


def close_stretch(state: State, now: float, keep_running: bool) -> State:
    """Book the running time since `timer.since` on the current step and the meeting."""
    timer = state.timer
    if state.status != "running" or timer.since is None:
        return state
    spent = max(0.0, now - timer.since)
    record = state.records[state.step_index]
    state = state.with_record(state.step_index, active_seconds=record.active_seconds + spent)
    return state.evolve(timer=timer.evolve(step_active=timer.step_active + spent,
                                           meeting_active=timer.meeting_active + spent,
                                           since=now if keep_running else None))


# What can fall due, in the order it fires when two fall due at the same moment.
_WARNING, _TIME_UP, _TURN_BUDGET, _PAUSE_OVER, _QUIET, _PROMPT = 0, 1, 2, 3, 4, 5
# In a silent step, talk longer than this gets one kind reminder (seed 003, uitvoering 9:
# "Ik onderbreek op een vriendelijke manier ...").
QUIET_NUDGE_SECONDS = 6.0


def tick(state: State, now: float, out: list[Effect]) -> State:
    """Fire what fell due up to `now`: warnings, time up (and auto-advance), turn budgets.

    When several things fell due since the last event (a replay has no ticks), they fire in
    the order they fell due, so the state ends the same as a live run that ticked in between.
    """
    from facilitator.engine import moments, prompting, steps  # they need time too: import at call time

    for _ in range(len(state.method.steps) * 4 + 4):  # bounded: each pass fires at most one thing
        if state.status != "running":
            return state
        step = state.step
        timer = state.timer
        left = remaining_seconds(state, now)
        warn_at = near_end_at(state)
        planned = planned_seconds(state)
        due: list[tuple[float, int]] = []  # (seconds until due, rounded so float noise cannot reorder; kind)
        pause_end = moments.due(state)
        if pause_end is not None and now >= pause_end:
            due.append((round(pause_end - now, 6), _PAUSE_OVER))
        if state.moment is not None and state.moment.kind != "denkpauze":
            # Between steps (a pause, a question): the step's own clock does not run on.
            if not due:
                return state
            state = moments.end_pause(state, pause_end, out)
            continue
        if not timer.warned and not step.silence and planned > 0 and 0 < left <= warn_at:
            due.append((round(left - warn_at, 6), _WARNING))
        if not timer.time_up and left <= 0 and planned > 0:
            due.append((round(left, 6), _TIME_UP))
        turns = state.round
        budget = turn_budget(state)
        if turns is not None and turns.turn and budget and not turns.turn_warned:
            until = budget - (step_elapsed(state, now) - turns.turn_started)
            if until <= 0:
                due.append((round(until, 6), _TURN_BUDGET))
        talk_since = state.speech.since
        quiet_key = f"stil:{state.step_index}"
        if step.silence and talk_since is not None and quiet_key not in state.hints:
            until_quiet = talk_since + QUIET_NUDGE_SECONDS - now
            if until_quiet <= 0:
                due.append((round(until_quiet, 6), _QUIET))
        until_prompt = prompting.until(state, now)
        if until_prompt is not None and until_prompt <= 0 and not timer.time_up:
            due.append((round(until_prompt, 6), _PROMPT))
        if not due:
            return state
        kind = min(due)[1]
        if kind == _PROMPT:
            state = prompting.give_next(state, now + until_prompt, out)
        elif kind == _QUIET:
            state = cues.say(state, out, phrases.keep_silent(), "info").evolve(hints=state.hints + (quiet_key,))
        elif kind == _PAUSE_OVER:
            state = moments.end_pause(state, pause_end, out)
        elif kind == _WARNING:
            state = cues.say(state, out, phrases.warning(step, warn_at), "warning", chime=True)
            state = state.evolve(timer=state.timer.evolve(warned=True))
        elif kind == _TIME_UP:
            # The moment the step's time ran out, computed from the state alone (not from `now`),
            # so a replay without ticks books exactly the same seconds as the live run.
            at = timer.since + planned - timer.step_active if timer.since is not None else now + left
            repeat = state.method.repeat_per_topic
            again = repeat is not None and step.id == repeat.to_step and bool(state.candidates)
            last = state.step_index + 1 >= len(state.method.steps) and not again  # a next topic follows
            auto = state.setup.options.auto_advance or step.silence  # a silence ends by itself
            state = state.evolve(timer=timer.evolve(time_up=True, warned=True))
            if auto:
                state = cues.say(state, out, phrases.time_up(step, waits=False), "end", chime=True)
                state = steps.advance(state, at, out, end_said=True)
            elif last:
                state = cues.say(state, out, phrases.time_up_last(step), "end", chime=True)
            else:
                explain = "next_step" not in state.hints
                state = cues.say(state, out, phrases.time_up(step, waits=True, explain=explain), "end", chime=True)
                if explain:
                    state = state.evolve(hints=state.hints + ("next_step",))
        else:
            assert turns is not None and turns.turn
            state = cues.say(state, out, phrases.turn_warning(turns.turn), "warning")
            state = state.evolve(round=turns.evolve(turn_warned=True))
    return state
