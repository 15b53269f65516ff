"""Steps: entering one (its cue, its first turn), leaving it (booking its time), finishing."""

from __future__ import annotations

from facilitator.events import Effect
from facilitator.engine import choosing, cues, moments, phrases, prompting, rounds, speech
from facilitator.engine.state import State, Timer
from facilitator.engine.timing import close_stretch, near_end_at, planned_seconds, remaining_seconds


def enter_step(state: State, index: int, now: float, out: list[Effect], chosen_now: bool = False,
               asked: bool = False, keep_clock: bool = False) -> State:
    """Start step `index`: its clock (where it was, on a return), its cue, its first turn.

    A step that needs an inbrenger nobody has chosen yet waits for the choice first
    (`choosing`); `chosen_now` is that step starting right after the choice, its heading
    already said with the question.
    """
    highest = False
    if state.method.steps[index].ask is not None and not asked and not chosen_now:
        return moments.ask(state, index, now, out)  # an optional step: first ja or nee, then who brings in
    if not chosen_now:
        state = choosing.new_ronde(state, index)
    if choosing.needs_choice(state, index):
        state = choosing.wait_for_choice(state, index, now, out, asked=asked)
        if state.awaiting:
            return state
        highest = True  # scored topics: the highest was taken without asking
    record = state.records[index]
    # A step run after all (the group came back to it) is no longer a skipped one.
    state = state.with_record(index, visits=record.visits + 1, skipped=False,
                              entered_at=record.entered_at if record.entered_at is not None else now)
    # Going back ("vorige stap") keeps the time spent and the minutes added: the step goes on, and
    # its overrun is worked out again from its whole clock when it is left. A method that runs a
    # step again (the next topic) starts it afresh.
    kept = keep_clock and record.visits > 0
    if kept:
        state = state.with_record(index, over_seconds=0.0)
    timer = Timer(since=now if state.status == "running" else None, meeting_active=state.timer.meeting_active,
                  started_at=state.timer.started_at, last_clock=state.timer.last_clock,
                  step_active=record.active_seconds if kept else 0.0,
                  extra_seconds=record.extra_seconds if kept else 0.0)
    state = state.evolve(step_index=index, timer=timer, round=None, moment=None, prompting=None)
    if kept:
        left = remaining_seconds(state, now)
        state = state.evolve(timer=state.timer.evolve(warned=left <= near_end_at(state), time_up=left <= 0))
    step = state.step
    choice = choosing.choice_at(state.method, index)
    if chosen_now and choice is not None:
        # The heading and the question were said; now who was chosen, and the step's own cue.
        # A cue written for this moment thanks the volunteer itself; else say who was chosen.
        text = cues.fill(state, choice.cue) if choice.cue else (
            phrases.chosen(state.inbrenger) + " " + cues.fill(state, step.cue))
    elif highest:
        text = phrases.highest(state.inbrenger) + " " + cues.fill(state, step.cue)
    else:
        text = cues.fill(state, step.cue)
    heading = phrases.step_heading(phrases.number(state.method, index), step, slot_said=asked) if index > 0 and not chosen_now else ""
    if heading:
        # The first step's cue is the welcome; later steps say where we are.
        text = heading + " " + text
    if step.outcome == "terugkoppeling" and state.setup.previous is not None:
        text += " " + phrases.previous_case(state.setup.previous)  # the last meeting's tips, said aloud
    if index == 0 and state.setup.options.spelregels and "spelregels" not in state.hints:
        # After the welcome, before anyone gets the word: once per meeting.
        text += " " + phrases.spelregels()
        state = state.evolve(hints=state.hints + ("spelregels",))
    if step.round is not None and step.think_first is not None:
        state, text = moments.think_first(state, now, text)  # the round opens after the denkpauze
    elif step.round is not None:
        state, intro = rounds.open_round(state)
        if intro:
            text += " " + intro
    else:
        state, first = prompting.begin(state, now)  # a step without a round: its prompts start now
        if first:
            text += " " + first
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
    state = state.with_record(state.step_index, over_seconds=record.over_seconds + over,
                              extra_seconds=state.timer.extra_seconds)
    return speech.end_segment(state, now)


def advance(state: State, now: float, out: list[Effect], end_said: bool = False) -> State:
    cut = moments.cut_short(state, now, out)
    if cut is not None:
        return cut
    state = leave_step(state, now)
    paused = moments.pause_after(state, now, out)
    if paused is not None:
        return paused
    again = choosing.next_topic(state, now, out)
    if again is not None:
        return again
    if state.step_index + 1 >= len(state.method.steps):
        return finish(state, now, out, end_said=end_said)
    return enter_step(state, state.step_index + 1, now, out)


def finish(state: State, now: float, out: list[Effect], end_said: bool = False) -> State:
    if state.status in ("running", "paused"):
        state = close_stretch(state, now, keep_running=False)
    state = state.evolve(status="finished", timer=state.timer.evolve(since=None, ended_at=now), round=None)
    state = speech.end_segment(state, now)
    state = speech.mark(state, now)  # at the moment it ended, also when a later tick noticed it
    if end_said:
        return state  # the last step's own end cue was just said
    on_last = state.step_index + 1 >= len(state.method.steps)
    return cues.say(state, out, phrases.finished(state.step if on_last else None), "end", chime=True)


def resume_quietly(state: State, now: float) -> State:
    return state.evolve(status="running", timer=state.timer.evolve(since=now))
