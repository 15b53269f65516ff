"""Commands: which ones each status allows, who may change the step, and the meeting's flow.

Commands that change the record rather than the flow (tip, rate, correct, note, outcomes,
the checklist) are in `content`.
"""

from __future__ import annotations

from typing import Callable, Optional

from facilitator.events import COMMAND_KINDS, STEP_CHANGING, Command, Effect, Rejected
from facilitator.engine import choosing, content, moments, cues, phrases, rounds, speech, steps
from facilitator.engine.state import State, Status
from facilitator.engine.timing import close_stretch, near_end_at, planned_seconds, remaining_seconds

_AFTERWARDS = frozenset({"rate", "correct", "tip", "set_hulpvraag", "set_outcome", "note", "checklist", "mark_outcome",
                         "reopen"})
_BEFORE = frozenset({"start", "set_hulpvraag", "set_outcome", "note", "finish", "choose_inbrenger"})
_ALL = frozenset(COMMAND_KINDS)

# Which commands each status allows, and why the others are refused.
ALLOWED: dict[Status, tuple[frozenset, Optional[str]]] = {
    "ready": (_BEFORE, "De bijeenkomst is nog niet begonnen."),
    "running": (_ALL, None),
    "paused": (_ALL, None),
    "finished": (_AFTERWARDS, "De bijeenkomst is al afgelopen."),
}


def command(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    kind = cmd.kind
    allowed, refusal = ALLOWED[state.status]
    if refusal is not None and kind not in allowed:
        return cues.reject(state, out, kind, refusal)
    options = state.setup.options
    if (kind in STEP_CHANGING and cmd.source == "voice" and options.step_commands_by == "procesbegeleider"
            and state.setup.procesbegeleider and cmd.by != state.setup.procesbegeleider):
        return cues.reject(state, out, kind, "Alleen de procesbegeleider kan van stap wisselen.")
    handler = _HANDLERS.get(kind)
    if handler is None:
        return cues.reject(state, out, kind, f"Onbekende opdracht '{kind}'.")
    return handler(state, cmd, now, out)


def _start(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    if state.status != "ready":
        return cues.reject(state, out, "start", "De bijeenkomst is al begonnen.")
    state = state.evolve(status="running", timer=state.timer.evolve(since=now, started_at=now))
    return steps.enter_step(state, 0, now, out)


def _pass(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    turns = state.round
    plan = state.step.round
    if turns is None or plan is None or turns.turn is None:
        return cues.reject(state, out, "pass", "Er is nu geen beurt om te passen.")
    if not plan.pass_allowed:
        return cues.reject(state, out, "pass", "Passen kan niet in deze stap.")
    if state.status == "paused":
        return cues.reject(state, out, "pass", "We pauzeren; zeg eerst 'verder'.")
    by = cmd.by
    if by and by in state.setup.participants and by != turns.turn and by != state.setup.procesbegeleider:
        return cues.reject(state, out, "pass", f"{turns.turn} heeft nu het woord, niet {by}.")
    return rounds.next_turn(rounds.record_pass(state), now, out)


def _next_turn(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    turns = state.round
    if state.status == "paused":
        return cues.reject(state, out, "next_turn", "We pauzeren; zeg eerst 'verder'.")
    if state.prompting is not None and (turns is None or turns.done):
        from facilitator.engine import prompting

        return prompting.give_next(state, now, out)  # "volgende": on to the next prompt now
    if turns is None or turns.done:
        return cues.reject(state, out, "next_turn",
                           "In deze stap is er geen beurtronde; zeg 'volgende stap' om door te gaan.")
    if turns.responding:
        plan = state.step.round
        if plan is not None and plan.open_after and not state.timer.time_up:
            return speech.mark(rounds.round_over(state, now, out, everyone_passed=False), now)
        # The reply is over; the step waits for "volgende stap" rather than jumping on unasked.
        state = speech.end_segment(state, now)
        state = state.evolve(round=turns.evolve(done=True, responding=False))
        return speech.mark(cues.say(state, out, phrases.reply_done(), "info"), now)
    return rounds.next_turn(state, now, out)


def _next_step(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    if state.awaiting == "inbrenger":
        if state.candidates:  # scored topics are in: the highest begins
            return steps.enter_step(state.evolve(awaiting=None), state.step_index, now, out)
        return cues.reject(state, out, cmd.kind, phrases.choose_who())
    if state.status == "paused":
        state = steps.resume_quietly(state, now)
    return steps.advance(state, now, out)


def _skip(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    """"Stap overslaan": on like "volgende stap", the step recorded as skipped (unless it was refused)."""
    index, said = state.step_index, len(out)
    after = _next_step(state, cmd, now, out)
    if any(isinstance(e, Rejected) for e in out[said:]):
        return after
    return after.with_record(index, skipped=True)


def _previous_step(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    if state.step_index == 0:
        return cues.reject(state, out, "previous_step", "Dit is de eerste stap.")
    if state.status == "paused":
        state = steps.resume_quietly(state, now)
    state = steps.leave_step(state, now).evolve(awaiting=None)
    return steps.enter_step(state, state.step_index - 1, now, out, keep_clock=True)


def _pause(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    if state.status != "running":
        return cues.reject(state, out, "pause", "We pauzeren al.")
    # Paused first, so the stretch of speech ends too: talk in a break is not meeting talk.
    state = close_stretch(state, now, keep_running=False).evolve(status="paused")
    state = speech.end_segment(state, now)
    return cues.say(state, out, phrases.paused(), "info")


def _resume(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    if state.status != "paused":
        return cues.reject(state, out, "resume", "We zijn niet gepauzeerd.")
    state = steps.resume_quietly(state, now)
    return cues.say(state, out, phrases.resumed(), "info")


def _extend(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    try:
        seconds = float(cmd.args.get("seconds", 60))
    except (TypeError, ValueError):
        return cues.reject(state, out, "extend", "Geef het aantal seconden als getal.")
    if not 0 < seconds <= 3600:
        return cues.reject(state, out, "extend", "Verlengen kan met 1 seconde tot een uur.")
    state = state.evolve(timer=state.timer.evolve(extra_seconds=state.timer.extra_seconds + seconds))
    left = remaining_seconds(state, now)
    timer = state.timer
    state = state.evolve(timer=timer.evolve(time_up=left <= 0 and timer.time_up,
                                            warned=timer.warned and left <= near_end_at(state)))
    return cues.say(state, out, phrases.extended(seconds), "info")


def _repeat(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    state = cues.say(state, out, cues.fill(state, state.step.cue), "instruction")
    return rounds.repeat_turn(state, out)


def _explain(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    """"Waarom doen we dit?": room for critical questions (seed 003, uitvoering 4)."""
    return cues.say(state, out, cues.fill(state, phrases.purpose(state.step)), "info")


def _remaining(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    if planned_seconds(state) <= 0:
        return cues.say(state, out, phrases.untimed(), "info")
    return cues.say(state, out, phrases.remaining(remaining_seconds(state, now)), "info")


def _finish(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    if state.status == "ready":
        return state.evolve(status="finished")
    state = steps.leave_step(state, now)
    return steps.finish(state, now, out)


def _reopen(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    """A meeting finished too soon goes on, paused at the step it ended in, with its time kept."""
    if state.status != "finished":
        return cues.reject(state, out, "reopen", "De bijeenkomst is niet afgerond.")
    if state.timer.started_at is None:
        return cues.reject(state, out, "reopen", "De bijeenkomst is nooit begonnen.")
    state = state.evolve(status="paused", timer=state.timer.evolve(since=None, ended_at=None))
    return cues.say(state, out, phrases.reopened(), "info")


_Handler = Callable[[State, Command, float, list], State]

_HANDLERS: dict[str, _Handler] = {
    "start": _start,
    "pass": _pass,
    "next_turn": _next_turn,
    "next_step": _next_step,
    "previous_step": _previous_step,
    "skip": _skip,
    "pause": _pause,
    "resume": _resume,
    "extend": _extend,
    "repeat": _repeat,
    "remaining": _remaining,
    "explain": _explain,
    "finish": _finish,
    "choose_inbrenger": choosing.choose,
    "answer": moments.answer,
    "reopen": _reopen,
    **content.HANDLERS,
}
