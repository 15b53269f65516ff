"""Commands that change the record, not the flow: tips, ratings, corrections, notes, outcomes."""

from __future__ import annotations

from typing import Optional

from facilitator.events import RATINGS, TEXT_OUTCOME_KINDS, Command, Effect, OutcomeNoted
from facilitator.engine import cues, speech
from facilitator.engine.state import GROUP, Mark, MarkNote, Outcome, State

# The two columns of the checklists of seed 003: "Doe ik al" and "Wil ik meer gaan doen".
CHECKLIST_COLUMNS = ("doe_ik_al", "wil_ik_meer")


def _tip(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    ref = cmd.args.get("utterance")
    if ref is None:
        candidates = [i for i, line in enumerate(state.transcript) if line.type != "notitie"]
        index = candidates[-1] if candidates else None
    else:
        index = speech.find_line(state, ref)
    if index is None:
        return cues.reject(state, out, "tip", "Er is nog niets gezegd om als tip te markeren.")
    state = speech.replace_line(state, index, type="tip")
    out.append(OutcomeNoted("tip", line=state.transcript[index]))
    return state


def _set_hulpvraag(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    text = str(cmd.args.get("text", "")).strip()
    if not text:
        return cues.reject(state, out, "set_hulpvraag", "De hulpvraag is leeg.")
    out.append(OutcomeNoted("hulpvraag", text))
    return state.evolve(outcomes=state.outcomes.evolve(hulpvraag=text))


def _set_outcome(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    kind = cmd.args.get("kind")
    text = str(cmd.args.get("text", "")).strip()
    if kind not in TEXT_OUTCOME_KINDS:
        return cues.reject(state, out, "set_outcome",
                           f"Onbekende uitkomst; kies uit {', '.join(sorted(TEXT_OUTCOME_KINDS))}.")
    kept = tuple(o for o in state.outcomes.noted if o.kind != kind)
    out.append(OutcomeNoted(kind, text))
    noted = kept + (Outcome(kind, text),) if text else kept
    return state.evolve(outcomes=state.outcomes.evolve(noted=noted))


# What the inbrenger rates warm, neutraal or koud (seed 004: the questions, the problem definitions).
RATEABLE = ("vraag", "probleemdefinitie")


def _last_line(state: State, types=None, speaker=None):
    for i in range(len(state.transcript) - 1, -1, -1):
        line = state.transcript[i]
        if line.type == "notitie":
            continue
        if (types is None or line.type in types) and (speaker is None or line.speaker == speaker):
            return i
    return None


def _next_to_rate(state: State) -> tuple[Optional[int], str]:
    """The line a live "warm" rates: the first unrated item of the latest rated round (seed 004: the
    inbrenger rates each question, right after it or afterwards in the order they were asked)."""
    rated = {i for i, s in enumerate(state.method.steps) if s.round is not None and s.round.rated}
    if not rated:
        return None, "In deze werkvorm waardeert de inbrenger geen vragen als warm, neutraal of koud."
    items = [(i, line) for i, line in enumerate(state.transcript) if line.step_index in rated and line.type in RATEABLE]
    if not items:
        return None, "Er is nog geen vraag om te waarderen."
    latest = items[-1][1].step_index
    index = next((i for i, line in items if line.step_index == latest and line.rating is None), None)
    return index, "Elke vraag heeft al een waardering; verander er een op het scherm."


def _rate(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    rating = str(cmd.args.get("rating", "")).upper() or None
    if "utterance" in cmd.args:
        index = speech.find_line(state, cmd.args.get("utterance"))
        missing = "Die regel bestaat niet."
    else:
        index, missing = _next_to_rate(state)  # "warm" said live, by key or button
    if index is None:
        return cues.reject(state, out, "rate", missing)
    if rating not in RATINGS and rating not in (None, "-"):
        return cues.reject(state, out, "rate", "Kies W (warm), N (neutraal) of K (koud).")
    state = speech.replace_line(state, index, rating=None if rating in (None, "-") else rating)
    out.append(OutcomeNoted("rating", line=state.transcript[index]))
    return state


def _correct(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    index = speech.find_line(state, cmd.args.get("utterance"))
    if index is None:
        return cues.reject(state, out, "correct", "Die regel bestaat niet.")
    changes = {}
    if "text" in cmd.args:
        changes["text"] = str(cmd.args["text"]).strip()
    if "speaker" in cmd.args:
        speaker = str(cmd.args["speaker"])
        if speaker not in state.setup.participants and speaker != GROUP:
            return cues.reject(state, out, "correct", f"'{speaker}' is geen deelnemer.")
        changes["speaker"] = speaker
    if "type" in cmd.args:
        changes["type"] = cmd.args["type"] or None
    if not changes:
        return cues.reject(state, out, "correct", "Er is niets om te verbeteren.")
    state = speech.replace_line(state, index, corrected=True, **changes)
    out.append(OutcomeNoted("correction", line=state.transcript[index]))
    return state


def _mark_outcome(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    """"Dit is mijn hulpvraag": the inbrenger's last line becomes that outcome (typing still works)."""
    # Without a kind (the spoken "dit is mijn volgende stap"): what the step captures.
    kind = cmd.args.get("kind") or state.step.outcome
    if kind not in (*TEXT_OUTCOME_KINDS, "hulpvraag"):
        return cues.reject(state, out, "mark_outcome",
                           "In deze stap leggen we geen uitkomst vast; typ hem in bij de uitkomsten.")
    if "utterance" in cmd.args:
        index = speech.find_line(state, cmd.args.get("utterance"))
    else:
        index = _last_line(state, speaker=state.inbrenger) if state.inbrenger else None
        index = _last_line(state) if index is None else index
    if index is None:
        return cues.reject(state, out, "mark_outcome", "Er is nog niets gezegd om vast te leggen.")
    text = state.transcript[index].text
    if kind == "hulpvraag":
        return _set_hulpvraag(state, Command("set_hulpvraag", cmd.source, cmd.by, {"text": text}), now, out)
    return _set_outcome(state, Command("set_outcome", cmd.source, cmd.by, {"kind": kind, "text": text}), now, out)


def _note(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    """A typed note; with for_turn, what the turn holder said, filed as the round's item (a typed tip)."""
    text = str(cmd.args.get("text", "")).strip()
    if not text:
        return cues.reject(state, out, "note", "De notitie is leeg.")
    if cmd.args.get("for_turn"):
        who, turn_id, item = speech.holder(state)
        if item is not None:
            state, line = speech.add_note(state, who, text, now, item=item, turn_id=turn_id)
            if item != "reactie":
                out.append(OutcomeNoted(item, line=line))
            return state
    state, _line = speech.add_note(state, cmd.by, text, now)
    return state


def _checklist(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    """A point of a checklist: ticked in a column, and/or the procesbegeleider's own line."""
    args = cmd.args
    column = args.get("column", CHECKLIST_COLUMNS[0])
    if column not in CHECKLIST_COLUMNS:
        return cues.reject(state, out, "checklist", "Kies de kolom 'doe ik al' of 'wil ik meer gaan doen'.")
    try:
        mark = Mark(str(args.get("checklist")), int(args.get("index", -1)), column)
    except (TypeError, ValueError):
        return cues.reject(state, out, "checklist", "Geef het nummer van het punt op de checklist.")
    outcomes = state.outcomes
    if "checked" in args or "text" not in args:
        ticked = tuple(m for m in outcomes.checklist if m != mark)
        if args.get("checked", True):
            ticked += (mark,)
        outcomes = outcomes.evolve(checklist=ticked)
    if "text" in args:
        text = str(args.get("text") or "").strip()
        kept = tuple(n for n in outcomes.checklist_notes if (n.checklist, n.index) != (mark.checklist, mark.index))
        outcomes = outcomes.evolve(checklist_notes=kept + ((MarkNote(mark.checklist, mark.index, text),) if text else ()))
    out.append(OutcomeNoted("checklist"))
    return state.evolve(outcomes=outcomes)


HANDLERS = {
    "tip": _tip,
    "set_hulpvraag": _set_hulpvraag,
    "set_outcome": _set_outcome,
    "rate": _rate,
    "correct": _correct,
    "note": _note,
    "checklist": _checklist,
    "mark_outcome": _mark_outcome,
}
