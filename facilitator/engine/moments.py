"""Moments around steps: the yes/no question of an optional step, the denkpauze before a round,
the silent pause after a phase. Pauses are timed on the meeting clock and end with a soft cue."""

from __future__ import annotations

from typing import Optional

from facilitator.events import Command, Effect
from facilitator.engine import cues, phrases, rounds, speech
from facilitator.engine.state import Moment, State, Timer
from facilitator.engine.timing import close_stretch, step_elapsed

ANSWERS = {"ja": True, "nee": False, "yes": True, "no": False, True: True, False: False}


def ask(state: State, index: int, now: float, out: list[Effect]) -> State:
    """Stop before step `index` (its clock not running) and ask whether it is wanted."""
    step = state.method.steps[index]
    assert step.ask is not None
    timer = Timer(since=None, meeting_active=state.timer.meeting_active, started_at=state.timer.started_at,
                  last_clock=state.timer.last_clock)
    state = state.evolve(step_index=index, timer=timer, round=None, moment=Moment("ask"))
    text = cues.fill(state, step.ask.question)
    if index > 0:
        text = phrases.slot_heading(step, phrases.number(state.method, index)) + " " + text
    return cues.say(state, out, text, "instruction", chime=True)


def answer(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    """`answer` ja / nee to the question of an optional step."""
    from facilitator.engine import steps

    moment = state.moment
    if moment is None or moment.kind != "ask":
        return cues.reject(state, out, "answer", "Er is nu geen vraag om ja of nee op te zeggen.")
    raw = cmd.args.get("answer")
    key = raw.strip().lower() if isinstance(raw, str) else raw
    if key not in ANSWERS:
        return cues.reject(state, out, "answer", "Zeg ja of nee.")
    step = state.step
    assert step.ask is not None
    state = state.evolve(moment=None)
    index = state.step_index
    if ANSWERS[key]:
        if step.ask.yes == "stap":
            return steps.enter_step(state, index, now, out, asked=True)
        state = state.with_record(index, visits=state.records[index].visits + 1)
        state = cues.say(state, out, phrases.answered_yes(), "info")
        return steps.advance(state.evolve(timer=state.timer.evolve(since=now)), now, out)
    # A nested method's first step asks for its whole ronde: "nee" skips the ronde.
    last = _block_end(state, index)
    for skipped in range(index, last + 1):
        state = state.with_record(skipped, skipped=True)
    if step.ask.no == "einde" or last + 1 >= len(state.method.steps):
        state = state.evolve(timer=state.timer.evolve(since=now))
        return steps.finish(state, now, out)
    return steps.enter_step(state, last + 1, now, out)


def _block_end(state: State, index: int) -> int:
    """The last step of the ronde that step `index` opens (itself, for a step of its own)."""
    part = state.method.steps[index].part
    if part is None or not part.first:
        return index
    last = index
    while last + 1 < len(state.method.steps):
        nxt = state.method.steps[last + 1].part
        if nxt is None or nxt.slot != part.slot:
            break
        last += 1
    return last


def think_first(state: State, now: float, text: str) -> tuple[State, str]:
    """A denkpauze before the step's round: the round opens when it is over."""
    pause = state.step.think_first
    assert pause is not None
    text += " " + cues.fill(state, pause.cue) if pause.cue else ""
    return state.evolve(moment=Moment("denkpauze", until=now + pause.seconds)), text


def pause_after(state: State, now: float, out: list[Effect]) -> Optional[State]:
    """The step is over: a silent moment before the next one, if the step has one."""
    pause = state.step.pause_after
    if pause is None or state.moment is not None or state.step_index + 1 >= len(state.method.steps):
        return None
    state = state.evolve(moment=Moment("pause_after", until=now + pause.seconds), round=None)
    # Nobody has the turn from the moment the step ended, also in a replay without ticks.
    state = speech.mark(state, now)
    if pause.cue:
        state = cues.say(state, out, cues.fill(state, pause.cue), "info")
    return state


def due(state: State) -> Optional[float]:
    moment = state.moment
    return moment.until if moment is not None and moment.until is not None else None


def end_pause(state: State, at: float, out: list[Effect]) -> State:
    """A pause's time is over: its soft cue, then the round (denkpauze) or the next step."""
    from facilitator.engine import steps

    moment = state.moment
    assert moment is not None
    if moment.kind == "denkpauze":
        pause = state.step.think_first
        state = state.evolve(moment=None)
        state, intro = rounds.open_round(state)
        if state.round is not None:  # the first turn begins now, not when the step began
            state = state.evolve(round=state.round.evolve(turn_started=step_elapsed(state, at)))
        # Who has the word from the moment the pause ended, also in a replay without ticks.
        state = speech.mark(state, at)
        text = cues.fill(state, pause.end) + (" " + intro if intro else "")
        state = cues.say(state, out, text, "info", chime=False)
        if state.round is not None and state.round.turn:
            state = cues.say(state, out, phrases.turn_call(state.step.round, state.round.turn), "turn")
        return state
    pause = state.step.pause_after
    state = close_stretch(state, at, keep_running=True).evolve(moment=None)
    state = cues.say(state, out, cues.fill(state, pause.end), "info")
    return steps.enter_step(state, state.step_index + 1, at, out)


def cut_short(state: State, now: float, out: list[Effect]) -> Optional[State]:
    """"Volgende stap" during a pause: the pause ends now."""
    if state.moment is None or state.moment.kind == "ask":
        return None
    return end_pause(state, now, out)
