"""The step engine: a pure function (state, event, now) -> (state, effects).

It reads no clock and does no I/O: everything comes in as an event with the
meeting clock's `now`, everything it wants done goes out as an effect. The same
events at the same times always give the same effects, which is what lets a
meeting be replayed from its log and a 75-minute meeting run in a test at once.
"""

from __future__ import annotations

from typing import Optional

from facilitator.events import (
    Chime,
    Command,
    DeviceEvent,
    Effect,
    Event,
    Noted,
    Rejected,
    Say,
    SpeechActivity,
    StateChanged,
    Tick,
    Transcribed,
    Utterance,
)
from facilitator.engine import phrases
from facilitator.engine.state import GROUP, Line, RoundState, Setup, State, StepRecord
from facilitator.engine.view import line_dict, remaining_seconds, step_elapsed, view

STEP_CHANGING = {"next_step", "previous_step", "skip", "finish"}
RATINGS = {"W", "N", "K"}
OUTCOME_KINDS = {"volgende_stap", "nuttig", "doelen", "terugkoppeling"}


def new_state(setup: Setup) -> State:
    return State(setup=setup, hulpvraag=setup.hulpvraag,
                 records=tuple(StepRecord() for _ in setup.method.steps),
                 notices=setup.warnings)


def apply(state: State, event: Event, now: float) -> tuple[State, list[Effect]]:
    """Apply one event at clock time `now`; return the new state and the effects."""
    if state.last_clock is not None and now < state.last_clock:
        now = state.last_clock  # a clock never runs backwards inside a meeting
    out: list[Effect] = []
    before = state
    # Time-driven changes first, each at the exact moment it was due, so a replay of
    # the log without its ticks ends in the same state as the live run with them.
    state = _tick(state, now, out)
    state = state.evolve(last_clock=now)
    if isinstance(event, Command):
        state = _command(state, event, now, out)
    elif isinstance(event, Tick):
        state = _tick(state, now, out)
    elif isinstance(event, Utterance):
        state = _utterance(state, event, now, out)
    elif isinstance(event, SpeechActivity):
        state = _activity(state, event, now, out)
    elif isinstance(event, DeviceEvent):
        state = _device(state, event, now, out)
    else:  # pragma: no cover - the type union is closed
        raise TypeError(f"unknown event {event!r}")
    if state.status == "running":
        state = _tick(state, now, out)
    state = _mark(state, now)
    if _visible_change(before, state):
        out.append(StateChanged(view(state, now)))
    return state, out


def _visible_change(before: State, after: State) -> bool:
    keys = ("status", "step_index", "round", "warned", "time_up", "transcript", "hulpvraag", "outcomes",
            "notices", "mic_ok", "last_rejected", "extra_seconds", "speech_who", "speaking", "partial",
            "checklist", "passes")
    return any(getattr(before, k) is not getattr(after, k) and getattr(before, k) != getattr(after, k) for k in keys)


# -- saying things ---------------------------------------------------------------

def _say(state: State, out: list[Effect], text: str, kind: str, chime: bool = False) -> State:
    if chime:
        out.append(Chime("warning" if kind == "warning" else "end" if kind == "end" else "announce"))
    if "{" in text:  # warning and end cues may name the inbrenger too
        text = phrases.fill(text, **_names(state))
    out.append(Say(text, kind))  # type: ignore[arg-type]
    return state.evolve(last_say=text)


def _reject(state: State, out: list[Effect], command: str, reason: str) -> State:
    out.append(Rejected(command, reason))
    return state.evolve(last_rejected=reason)


def _names(state: State) -> dict:
    return {"inbrenger": state.setup.inbrenger, "procesbegeleider": state.setup.procesbegeleider}


# -- time -------------------------------------------------------------------------

def _close_stretch(state: State, now: float, keep_running: bool) -> State:
    """Book the running time since `since` on the current step and the meeting."""
    if state.status != "running" or state.since is None:
        return state
    spent = max(0.0, now - state.since)
    records = list(state.records)
    record = records[state.step_index]
    records[state.step_index] = StepRecord(record.active_seconds + spent, record.over_seconds,
                                           record.visits, record.skipped)
    return state.evolve(step_active=state.step_active + spent, meeting_active=state.meeting_active + spent,
                        since=now if keep_running else None, records=tuple(records))


def _planned(state: State) -> float:
    return state.step.planned_minutes * 60.0 + state.extra_seconds


def _tick(state: State, now: float, out: list[Effect]) -> State:
    """Fire what fell due up to `now`: warnings, time up (and auto-advance), turn budgets.

    When several things fell due since the last event (a replay has no ticks), they fire in
    the order they fell due, so the state ends the same as a live run that ticked in between.
    """
    for _ in range(len(state.method.steps) * 4 + 4):  # bounded: each pass fires at most one thing
        if state.status != "running":
            return state
        step = state.step
        left = remaining_seconds(state, now)
        warn_at = state.setup.options.warning_seconds
        planned = _planned(state)
        due: list[tuple[float, int]] = []  # (seconds until due, rounded so float noise cannot reorder; kind)
        if not state.warned and not step.silence and planned > 2 * warn_at and 0 < left <= warn_at:
            due.append((round(left - warn_at, 6), 0))
        if not state.time_up and left <= 0 and planned > 0:
            due.append((round(left, 6), 1))
        rnd = state.round
        budget = _turn_budget(state)
        if rnd is not None and rnd.turn and budget and not rnd.turn_warned:
            until = budget - (step_elapsed(state, now) - rnd.turn_started)
            if until <= 0:
                due.append((round(until, 6), 2))
        if not due:
            return state
        kind = min(due)[1]
        if kind == 0:
            state = _say(state, out, phrases.warning(step), "warning", chime=True).evolve(warned=True)
        elif kind == 1:
            # The moment the step's time ran out, computed from the state alone (not from `now`),
            # so a replay without ticks books exactly the same seconds as the live run.
            at = state.since + planned - state.step_active if state.since is not None else now + left
            last = state.step_index + 1 >= len(state.method.steps)
            auto = state.setup.options.auto_advance or step.silence  # a silence ends by itself
            state = state.evolve(time_up=True, warned=True)
            if auto:
                state = _say(state, out, phrases.time_up(step, waits=False), "end", chime=True)
                state = _advance(state, at, out, end_said=True)
            elif last:
                state = _say(state, out, phrases.time_up_last(step), "end", chime=True)
            else:
                explain = "next_step" not in state.hints
                state = _say(state, out, phrases.time_up(step, waits=True, explain=explain), "end", chime=True)
                if explain:
                    state = state.evolve(hints=state.hints + ("next_step",))
        else:
            assert rnd is not None and rnd.turn
            state = _say(state, out, phrases.turn_warning(rnd.turn), "warning")
            state = state.evolve(round=_replace_round(rnd, turn_warned=True))
    return state


def _turn_budget(state: State) -> Optional[int]:
    r = state.step.round
    if r is None:
        return None
    return r.turn_seconds or state.setup.options.turn_seconds


# -- steps ------------------------------------------------------------------------

def _enter_step(state: State, index: int, now: float, out: list[Effect], repeat: bool = False) -> State:
    """Start step `index`: reset its clock, announce it, and call the first turn."""
    records = list(state.records)
    rec = records[index]
    records[index] = StepRecord(rec.active_seconds, rec.over_seconds, rec.visits + 1, rec.skipped)
    state = state.evolve(step_index=index, step_active=0.0, since=now if state.status == "running" else None,
                         extra_seconds=0.0, warned=False, time_up=False, round=None, partial=None,
                         records=tuple(records))
    step = state.step
    text = phrases.fill(step.cue, **_names(state))
    if index > 0:  # the first step's cue is the welcome; later steps say where we are
        text = phrases.step_heading(index + 1, step) + " " + text
    if step.round is not None:
        order = _round_order(state)
        if order:
            rnd = RoundState(number=1, order=order, turn_started=0.0, turn_id=state.next_turn_id)
            state = state.evolve(round=rnd, next_turn_id=state.next_turn_id + 1)
            explain = step.round.pass_allowed and "pass" not in state.hints
            text += " " + phrases.round_intro(step.round, explain_pass=explain)
            if explain:
                state = state.evolve(hints=state.hints + ("pass",))
    state = _mark(state, now)
    state = _say(state, out, text, "instruction", chime=True)
    if state.round is not None and state.round.turn:
        state = _say(state, out, phrases.turn_call(step.round, state.round.turn), "turn")
    return state


def _round_order(state: State) -> tuple[str, ...]:
    """Seating order, clockwise, starting with the person after the inbrenger."""
    setup = state.setup
    people = list(setup.participants)
    start = (people.index(setup.inbrenger) + 1) % len(people)
    ordered = people[start:] + people[:start]
    r = state.step.round
    if r is not None and r.who == "deelnemers":
        ordered = [p for p in ordered if p != setup.inbrenger]
    if setup.procesbegeleider and not setup.options.procesbegeleider_in_rounds:
        ordered = [p for p in ordered if p != setup.procesbegeleider]
    return tuple(ordered)


def _leave_step(state: State, now: float) -> State:
    state = _close_stretch(state, now, keep_running=True)
    over = max(0.0, state.step_active - _planned(state)) if _planned(state) > 0 else 0.0
    records = list(state.records)
    rec = records[state.step_index]
    records[state.step_index] = StepRecord(rec.active_seconds, rec.over_seconds + over, rec.visits, rec.skipped)
    return _end_speech_segment(state.evolve(records=tuple(records)), now)


def _advance(state: State, now: float, out: list[Effect], end_said: bool = False) -> State:
    state = _leave_step(state, now)
    if state.step_index + 1 >= len(state.method.steps):
        return _finish(state, now, out, end_said=end_said)
    return _enter_step(state, state.step_index + 1, now, out)


def _finish(state: State, now: float, out: list[Effect], end_said: bool = False) -> State:
    if state.status in ("running", "paused"):
        state = _close_stretch(state, now, keep_running=False)
    state = _end_speech_segment(state.evolve(status="finished", since=None, round=None), now)
    state = _mark(state, now)  # at the moment it ended, also when a later tick noticed it
    if end_said:
        return state  # the last step's own end cue was just said
    on_last = state.step_index + 1 >= len(state.method.steps)
    return _say(state, out, phrases.finished(state.step if on_last else None), "end", chime=True)


# -- rounds -----------------------------------------------------------------------

def _replace_round(rnd: RoundState, **changes) -> RoundState:
    from dataclasses import replace

    return replace(rnd, **changes)


def _next_turn(state: State, now: float, out: list[Effect]) -> State:
    """Give the word to the next person; close the round when everyone had a turn."""
    state = _turn_moved(state, now, out)
    return _mark(state, now)


def _turn_moved(state: State, now: float, out: list[Effect]) -> State:
    rnd = state.round
    assert rnd is not None
    r = state.step.round
    assert r is not None
    elapsed = step_elapsed(state, now)
    state = _end_speech_segment(state, now)
    position = rnd.position + 1
    if position < len(rnd.order):
        rnd = _replace_round(rnd, position=position, turn_started=elapsed, turn_warned=False,
                             turn_id=state.next_turn_id)
        state = state.evolve(round=rnd, next_turn_id=state.next_turn_id + 1)
        return _say(state, out, phrases.turn_call(r, rnd.order[position]), "turn")
    everyone_passed = set(rnd.passed) >= set(rnd.order)
    last_round = (r.repeat_until_all_pass and everyone_passed) or (
        r.max_rounds is not None and rnd.number >= r.max_rounds)
    if not last_round:
        rnd = RoundState(number=rnd.number + 1, order=rnd.order, turn_started=elapsed, turn_id=state.next_turn_id)
        state = state.evolve(round=rnd, next_turn_id=state.next_turn_id + 1)
        state = _say(state, out, phrases.new_round(), "info")
        return _say(state, out, phrases.turn_call(r, rnd.order[0]), "turn")
    if r.inbrenger_responds:
        rnd = _replace_round(rnd, responding=True, position=len(rnd.order), turn_started=elapsed,
                             turn_id=state.next_turn_id)
        state = state.evolve(round=rnd, next_turn_id=state.next_turn_id + 1)
        text = phrases.fill(r.inbrenger_responds, **_names(state))
        return _say(state, out, text, "turn")
    return _round_over(state, now, out, everyone_passed)


def _round_over(state: State, now: float, out: list[Effect], everyone_passed: bool) -> State:
    """The round (and the inbrenger's reply) is done: open talk, or on to the next step."""
    rnd = state.round
    assert rnd is not None and state.step.round is not None
    state = state.evolve(round=_replace_round(rnd, done=True, responding=False, position=len(rnd.order)))
    if state.step.round.open_after and not state.time_up:
        cue = state.step.round.open_cue
        return _say(state, out, phrases.fill(cue, **_names(state)) if cue else phrases.open_talk(), "info")
    state = _say(state, out, phrases.all_passed() if everyone_passed else phrases.round_done(), "info")
    return _advance(state, now, out)


# -- commands ---------------------------------------------------------------------

def _command(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    kind = cmd.kind
    state = state.evolve(last_rejected=None)
    if state.status == "finished" and kind not in ("rate", "correct", "tip", "set_hulpvraag", "set_outcome", "note",
                                                   "checklist"):
        return _reject(state, out, kind, "De bijeenkomst is al afgelopen.")
    if state.status == "ready" and kind not in ("start", "set_hulpvraag", "set_outcome", "note", "finish"):
        return _reject(state, out, kind, "De bijeenkomst is nog niet begonnen.")
    if (kind in STEP_CHANGING and cmd.source == "voice" and state.setup.options.step_commands_by == "procesbegeleider"
            and state.setup.procesbegeleider and cmd.by != state.setup.procesbegeleider):
        return _reject(state, out, kind, "Alleen de procesbegeleider kan van stap wisselen.")
    if cmd.source == "voice" and isinstance(cmd.args.get("spoken"), (list, tuple)) and len(cmd.args["spoken"]) == 2:
        state = _forget_command_words(state, float(cmd.args["spoken"][0]), float(cmd.args["spoken"][1]), out)
    handler = _HANDLERS.get(kind)
    if handler is None:
        return _reject(state, out, kind, f"Onbekende opdracht '{kind}'.")
    return handler(state, cmd, now, out)


def _start(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    if state.status != "ready":
        return _reject(state, out, "start", "De bijeenkomst is al begonnen.")
    state = state.evolve(status="running", since=now, started_at=now)
    return _enter_step(state, 0, now, out)


def _pass(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    rnd = state.round
    r = state.step.round
    if rnd is None or r is None or rnd.turn is None:
        return _reject(state, out, "pass", "Er is nu geen beurt om te passen.")
    if not r.pass_allowed:
        return _reject(state, out, "pass", "Passen kan niet in deze stap.")
    if state.status == "paused":
        return _reject(state, out, "pass", "We pauzeren; zeg eerst 'verder'.")
    if cmd.by and cmd.by in state.setup.participants and cmd.by != rnd.turn and cmd.by != state.setup.procesbegeleider:
        return _reject(state, out, "pass", f"{rnd.turn} heeft nu het woord, niet {cmd.by}.")
    who = rnd.turn
    state = state.evolve(passes=state.passes + ((who, state.step_index, rnd.number),),
                         round=_replace_round(rnd, passed=rnd.passed + (who,)))
    return _next_turn(state, now, out)


def _next(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    rnd = state.round
    if state.status == "paused":
        return _reject(state, out, "next_turn", "We pauzeren; zeg eerst 'verder'.")
    if rnd is None or rnd.done:
        return _reject(state, out, "next_turn", "In deze stap is er geen beurtronde; zeg 'volgende stap' om door te gaan.")
    if rnd.responding:
        if state.step.round is not None and state.step.round.open_after and not state.time_up:
            return _mark(_round_over(state, now, out, everyone_passed=False), now)
        return _advance(state, now, out)
    return _next_turn(state, now, out)


def _next_step(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    if state.status == "paused":
        state = _resume_quietly(state, now)
    return _advance(state, now, out)


def _skip(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    records = list(state.records)
    rec = records[state.step_index]
    records[state.step_index] = StepRecord(rec.active_seconds, rec.over_seconds, rec.visits, True)
    return _next_step(state.evolve(records=tuple(records)), cmd, now, out)


def _previous_step(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    if state.step_index == 0:
        return _reject(state, out, "previous_step", "Dit is de eerste stap.")
    if state.status == "paused":
        state = _resume_quietly(state, now)
    state = _leave_step(state, now)
    return _enter_step(state, state.step_index - 1, now, out)


def _resume_quietly(state: State, now: float) -> State:
    return state.evolve(status="running", since=now)


def _pause(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    if state.status != "running":
        return _reject(state, out, "pause", "We pauzeren al.")
    # Paused first, so the stretch of speech ends too: talk in a break is not meeting talk.
    state = _close_stretch(state, now, keep_running=False).evolve(status="paused")
    state = _end_speech_segment(state, now)
    return _say(state, out, phrases.paused(), "info")


def _resume(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    if state.status != "paused":
        return _reject(state, out, "resume", "We zijn niet gepauzeerd.")
    state = _resume_quietly(state, now)
    return _say(state, out, phrases.resumed(), "info")


def _extend(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    try:
        seconds = float(cmd.args.get("seconds", 60))
    except (TypeError, ValueError):
        return _reject(state, out, "extend", "Geef het aantal seconden als getal.")
    if not 0 < seconds <= 3600:
        return _reject(state, out, "extend", "Verlengen kan met 1 seconde tot een uur.")
    state = state.evolve(extra_seconds=state.extra_seconds + seconds)
    left = remaining_seconds(state, now)
    state = state.evolve(time_up=left <= 0 and state.time_up,
                         warned=state.warned and left <= state.setup.options.warning_seconds)
    return _say(state, out, phrases.extended(seconds), "info")


def _repeat(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    step = state.step
    state = _say(state, out, phrases.fill(step.cue, **_names(state)), "instruction")
    rnd = state.round
    if rnd is not None and step.round is not None:
        if rnd.turn:
            state = _say(state, out, phrases.turn_call(step.round, rnd.turn), "turn")
        elif rnd.responding and step.round.inbrenger_responds:
            state = _say(state, out, phrases.fill(step.round.inbrenger_responds, **_names(state)), "turn")
    return state


def _remaining(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    if _planned(state) <= 0:
        return _say(state, out, phrases.untimed(), "info")
    return _say(state, out, phrases.remaining(remaining_seconds(state, now)), "info")


def _find_line(state: State, ref) -> Optional[int]:
    for i in range(len(state.transcript) - 1, -1, -1):
        line = state.transcript[i]
        if line.id == ref or (ref is not None and line.source_id == ref):
            return i
    return None


def _replace_line(state: State, index: int, **changes) -> State:
    from dataclasses import replace

    lines = list(state.transcript)
    lines[index] = replace(lines[index], **changes)
    return state.evolve(transcript=tuple(lines))


def _tip(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    ref = cmd.args.get("utterance")
    if ref is None:
        candidates = [i for i, l in enumerate(state.transcript) if l.type != "notitie"]
        index = candidates[-1] if candidates else None
    else:
        index = _find_line(state, ref)
    if index is None:
        return _reject(state, out, "tip", "Er is nog niets gezegd om als tip te markeren.")
    state = _replace_line(state, index, type="tip")
    line = state.transcript[index]
    out.append(Noted({"kind": "tip", "line": line_dict(state, line)}))
    return state


def _set_hulpvraag(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    text = str(cmd.args.get("text", "")).strip()
    if not text:
        return _reject(state, out, "set_hulpvraag", "De hulpvraag is leeg.")
    out.append(Noted({"kind": "hulpvraag", "text": text}))
    return state.evolve(hulpvraag=text)


def _set_outcome(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    kind = cmd.args.get("kind")
    text = str(cmd.args.get("text", "")).strip()
    if kind not in OUTCOME_KINDS:
        return _reject(state, out, "set_outcome", f"Onbekende uitkomst; kies uit {', '.join(sorted(OUTCOME_KINDS))}.")
    kept = tuple((k, t) for k, t in state.outcomes if k != kind)
    out.append(Noted({"kind": kind, "text": text}))
    return state.evolve(outcomes=kept + ((kind, text),) if text else kept)


def _rate(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    rating = str(cmd.args.get("rating", "")).upper() or None
    index = _find_line(state, cmd.args.get("utterance"))
    if index is None:
        return _reject(state, out, "rate", "Die regel bestaat niet.")
    if rating not in RATINGS and rating not in (None, "-"):
        return _reject(state, out, "rate", "Kies W (warm), N (neutraal) of K (koud).")
    state = _replace_line(state, index, rating=None if rating in (None, "-") else rating)
    out.append(Noted({"kind": "rating", "line": line_dict(state, state.transcript[index])}))
    return state


def _correct(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    index = _find_line(state, cmd.args.get("utterance"))
    if index is None:
        return _reject(state, out, "correct", "Die regel bestaat niet.")
    changes = {}
    if "text" in cmd.args:
        changes["text"] = str(cmd.args["text"]).strip()
    if "speaker" in cmd.args:
        speaker = str(cmd.args["speaker"])
        if speaker not in state.setup.participants and speaker != GROUP:
            return _reject(state, out, "correct", f"'{speaker}' is geen deelnemer.")
        changes["speaker"] = speaker
    if "type" in cmd.args:
        changes["type"] = cmd.args["type"] or None
    if not changes:
        return _reject(state, out, "correct", "Er is niets om te verbeteren.")
    state = _replace_line(state, index, corrected=True, **changes)
    line = line_dict(state, state.transcript[index])
    out.append(Noted({"kind": "correction", "line": line}))
    out.append(Transcribed(line))
    return state


def _note(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    text = str(cmd.args.get("text", "")).strip()
    if not text:
        return _reject(state, out, "note", "De notitie is leeg.")
    state = state.evolve(lines_made=state.lines_made + 1)
    line = Line(id=f"n{state.lines_made}", step_index=state.step_index, speaker=cmd.by or "notitie",
                text=text, start=now, end=now, type="notitie")
    state = state.evolve(transcript=state.transcript + (line,))
    out.append(Transcribed(line_dict(state, line)))
    return state


def _finish_command(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    if state.status == "ready":
        return state.evolve(status="finished")
    state = _leave_step(state, now)
    return _finish(state, now, out)


def _set_checklist(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    try:
        key = (str(cmd.args.get("checklist")), int(cmd.args.get("index", -1)))
    except (TypeError, ValueError):
        return _reject(state, out, "checklist", "Geef het nummer van het punt op de checklist.")
    ticked = tuple(k for k in state.checklist if k != key)
    if cmd.args.get("checked", True):
        ticked += (key,)
    return state.evolve(checklist=ticked)


_HANDLERS = {
    "start": _start,
    "pass": _pass,
    "next_turn": _next,
    "next_step": _next_step,
    "previous_step": _previous_step,
    "skip": _skip,
    "pause": _pause,
    "resume": _resume,
    "extend": _extend,
    "repeat": _repeat,
    "remaining": _remaining,
    "tip": _tip,
    "set_hulpvraag": _set_hulpvraag,
    "set_outcome": _set_outcome,
    "rate": _rate,
    "correct": _correct,
    "note": _note,
    "finish": _finish_command,
    "checklist": _set_checklist,
}


# -- speech -----------------------------------------------------------------------

def _current(state: State) -> tuple[str, Optional[int], Optional[str]]:
    """Who has the word now as far as the method tells, with the turn and the item."""
    if state.status != "running":
        return GROUP, None, None
    rnd = state.round
    item = state.step.round.item if state.step.round is not None else None
    if rnd is not None:
        if rnd.turn:
            return rnd.turn, rnd.turn_id, item
        if rnd.responding:
            return state.setup.inbrenger, rnd.turn_id, "reactie"
    speakers = state.step.speakers
    if speakers == ("inbrenger",):
        return state.setup.inbrenger, None, None
    if speakers == ("procesbegeleider",) and state.setup.procesbegeleider:
        return state.setup.procesbegeleider, None, None
    return GROUP, None, None


def _attribute(state: State) -> str:
    return _current(state)[0]


def _mark(state: State, now: float) -> State:
    if state.status == "ready":
        return state  # nothing is attributed before the start (and ticks then must not leave traces)
    who, turn_id, item = _current(state)
    if state.speech_since is not None and state.status == "running" and state.speech_who != who:
        # The word moved while someone kept talking: book the stretch so far on who had it.
        state = _end_speech_segment(state, now)
    entry = (now, who, turn_id, item, state.step_index)
    last = state.attributions[-1] if state.attributions else None
    if last is not None and last[1:] == entry[1:]:
        return state
    return state.evolve(attributions=(state.attributions + (entry,))[-32:])


def _attribution_at(state: State, t: float) -> tuple[str, Optional[int], Optional[str], int]:
    chosen = None
    for entry in state.attributions:
        if entry[0] <= t + 1e-9:
            chosen = entry
        else:
            break
    if chosen is None:
        chosen = state.attributions[0] if state.attributions else (t, *_current(state), state.step_index)
    return chosen[1], chosen[2], chosen[3], chosen[4]


def _end_speech_segment(state: State, now: float) -> State:
    """Book the running stretch of speech and keep listening under the new attribution."""
    if state.speech_since is None:
        return state
    spent = max(0.0, now - state.speech_since)
    booked = state.speaking
    if spent > 0:
        booked = booked + ((state.speech_who or GROUP, state.step_index, spent),)
    if state.status == "running":
        return state.evolve(speaking=booked, speech_since=now, speech_who=_attribute(state))
    return state.evolve(speaking=booked, speech_since=None, speech_who=None)


def _activity(state: State, event: SpeechActivity, now: float, out: list[Effect]) -> State:
    at = min(event.at, now)
    if event.speaking:
        if state.speech_since is not None or state.status != "running":
            return state
        return state.evolve(speech_since=at, speech_who=_attribute(state))
    if state.speech_since is None:
        return state
    state = _end_speech_segment(state, max(at, state.speech_since))
    return state.evolve(speech_since=None, speech_who=None)


def _utterance(state: State, utt: Utterance, now: float, out: list[Effect]) -> State:
    if state.status == "ready" or (state.status == "finished" and not utt.final):
        return state
    if not utt.final:
        if not state.step.transcribe or state.step.silence:
            return state
        text = utt.text.strip()
        out.append(Transcribed({"partial": True, "text": text, "speaker": _attribute(state)}))
        return state.evolve(partial=text or None)
    text = utt.text.strip()
    speaker, turn_id, item, step_index = _attribution_at(state, min(utt.start, now))
    step = state.method.steps[step_index]
    if not text or not step.transcribe or step.silence:
        # Silence and untranscribed steps: speech counts as activity only, never as text.
        return state.evolve(partial=None) if state.partial is not None else state
    if utt.id is not None and any(l.source_id == utt.id for l in state.transcript):
        return state  # already stored: a replayed or re-sent utterance
    if _within_command(state.command_spans, utt.start, utt.end):
        return state.evolve(partial=None)  # "ik pas", "volgende": a command, not what someone said
    state = state.evolve(lines_made=state.lines_made + 1)
    line = Line(id=f"u{state.lines_made}", step_index=step_index, speaker=speaker, text=text,
                start=utt.start, end=utt.end, type=item, turn_id=turn_id, source_id=utt.id)
    state = state.evolve(transcript=state.transcript + (line,), partial=None)
    data = line_dict(state, line)
    out.append(Transcribed(data))
    if item and item != "reactie":
        out.append(Noted({"kind": item, "line": data}))
    return state


def _within_command(spans, start: float, end: float) -> bool:
    """True when most of [start, end] was a spoken command."""
    length = max(end - start, 0.05)
    for s0, s1 in spans:
        overlap = min(end, s1 + 0.3) - max(start, s0 - 0.3)
        if overlap >= 0.5 * length:
            return True
    return False


def _forget_command_words(state: State, start: float, end: float, out: list[Effect]) -> State:
    """A spoken command's own words are no content: drop a line already made of them, and
    remember the span for a final result that arrives after the command."""
    spans = (state.command_spans + ((start, end),))[-8:]
    recent = state.transcript[-3:]
    keep = tuple(l for l in recent if l.type == "notitie" or not _within_command(((start, end),), l.start, l.end))
    if len(keep) != len(recent):
        return state.evolve(command_spans=spans, transcript=state.transcript[:-3] + keep)
    return state.evolve(command_spans=spans)


def _device(state: State, event: DeviceEvent, now: float, out: list[Effect]) -> State:
    if event.kind == "mic_lost":
        if not state.mic_ok:
            return state
        state = state.evolve(mic_ok=False, notices=state.notices + ("De microfoon is weg: bediening met knoppen en toetsen.",))
        return _say(state, out, phrases.mic_lost(), "warning", chime=True)
    if event.kind == "mic_restored":
        if state.mic_ok:
            return state
        notices = tuple(n for n in state.notices if not n.startswith("De microfoon is weg"))
        state = state.evolve(mic_ok=True, notices=notices)
        return _say(state, out, phrases.mic_restored(), "info")
    failed = {"speech_failed": "speech", "asr_failed": "asr", "store_failed": "store"}
    restored = {"speech_restored": "speech", "asr_restored": "asr", "store_restored": "store"}
    if event.kind in failed:
        # One notice per failing part: the newest cause replaces the older one.
        part = failed[event.kind]
        notice = phrases.device_failed(part, event.detail)
        gone = {n for p, n in state.failures if p == part}
        return state.evolve(notices=tuple(n for n in state.notices if n not in gone) + (notice,),
                            failures=tuple(f for f in state.failures if f[0] != part) + ((part, notice),))
    part = restored[event.kind]
    gone = {n for p, n in state.failures if p == part}
    return state.evolve(notices=tuple(n for n in state.notices if n not in gone),
                        failures=tuple(f for f in state.failures if f[0] != part))
