"""Read-only views of the meeting state for screens, exports and speech: pure functions."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Optional

from methods import Method, minutes_json
from facilitator.engine import cues
from facilitator.engine.state import GROUP, Line, State
from facilitator.events import TEXT_OUTCOME_KINDS
from facilitator.engine.timing import meeting_elapsed, near_end_at, planned_seconds, remaining_seconds, step_elapsed


def speaking_totals(state: State, now: float, step_index: int | None = None) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    talk = state.speech
    for stretch in talk.booked:
        if step_index is None or stretch.step_index == step_index:
            totals[stretch.who] += stretch.seconds
    if talk.since is not None and (step_index is None or step_index == state.step_index):
        totals[talk.who or GROUP] += max(0.0, now - talk.since)
    return dict(totals)


def speaking_by_step(state: State, now: float) -> dict[int, dict[str, float]]:
    result: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    talk = state.speech
    for stretch in talk.booked:
        result[stretch.step_index][stretch.who] += stretch.seconds
    if talk.since is not None:
        result[state.step_index][talk.who or GROUP] += max(0.0, now - talk.since)
    return {k: dict(v) for k, v in sorted(result.items())}


def line_dict(state: State, line: Line) -> dict[str, Any]:
    return line_since_start(state.method, line, state.timer.started_at)


def line_since_start(method: Method, line: Line, started_at: Optional[float]) -> dict[str, Any]:
    """A line with its moment counted from Start (`start` counts from the meeting's creation): the one
    time every screen and the verslag show for it."""
    since = round(max(0.0, line.start - started_at), 1) if started_at is not None else 0.0
    return {**line_json(method, line), "since_start": since}


def line_json(method: Method, line: Line) -> dict[str, Any]:
    """One transcript line as JSON-ready data, for screens and exports."""
    step = method.steps[line.step_index]
    return {
        "id": line.id,
        "step_index": line.step_index,
        "step_title": step.title,
        "speaker": line.speaker,
        "type": line.type,
        "text": line.text,
        "start": round(line.start, 2),
        "end": round(line.end, 2),
        "rating": line.rating,
        "corrected": line.corrected,
        "turn": line.turn_id,
        "partial": False,
    }


def transcript(state: State) -> list[dict[str, Any]]:
    return [line_dict(state, line) for line in state.transcript]


def outcomes(state: State) -> dict[str, Any]:
    """The verslag's substance: the hulpvraag, each person's items, tips per person, next step."""
    items: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_turn: dict[tuple[int, int], dict[str, Any]] = {}
    for line in state.transcript:
        if line.type in (None, "notitie", "reactie"):
            continue
        if line.turn_id is not None and line.type != "tip":
            key = (line.turn_id, hash(line.type))
            entry = by_turn.get(key)
            if entry is not None:
                # One turn's item can span several recognised sentences: join them.
                entry["text"] = f"{entry['text']} {line.text}".strip()
                entry["utterances"].append(line.id)
                entry["rating"] = entry["rating"] or line.rating
                continue
        entry = {"by": line.speaker, "text": line.text, "rating": line.rating, "utterance": line.id,
                 "utterances": [line.id], "step": state.method.steps[line.step_index].title}
        if line.turn_id is not None and line.type != "tip":
            by_turn[(line.turn_id, hash(line.type))] = entry
        items[line.type].append(entry)
    tips_by_person: dict[str, list[str]] = defaultdict(list)
    for entry in items.get("tip", []):
        tips_by_person[entry["by"]].append(entry["text"])
    noted = state.outcomes
    return {
        "hulpvraag": noted.hulpvraag,
        "items": dict(items),
        "tips_by_person": dict(tips_by_person),
        **{kind: noted.text(kind) for kind in TEXT_OUTCOME_KINDS},
        "notes": [line.text for line in state.transcript if line.type == "notitie"],
        "passes": _passes(state),
    }


def _passes(state: State) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for passed in state.outcomes.passes:
        counts[passed.name] += 1
    return dict(counts)


def _question(state: State) -> str:
    """The yes/no question that waits, as spoken (the service words it for buttons when there is no voice)."""
    return cues.fill(state, state.method.steps[state.step_index].ask.question)


def view(state: State, now: float) -> dict[str, Any]:
    """Everything a screen shows, as JSON-ready data."""
    method = state.method
    step = state.step
    turns = state.round
    totals = speaking_totals(state, now)
    talk = sum(totals.values())
    left = remaining_seconds(state, now)
    timed = planned_seconds(state) > 0  # an untimed step is never over time
    round_view = None
    if turns is not None and step.round is not None:
        round_view = {
            "item": step.round.item,
            "item_word": step.round.item_word,
            "number": turns.number,
            "turn": turns.turn,
            "turn_id": turns.turn_id,  # a screen names it in "next turn", so two clicks move one turn
            "responding": turns.responding,
            "next": turns.next,
            "passed": list(turns.passed),
            "order": list(turns.order),
            "done": turns.done,
        }
    steps = []
    for i, s in enumerate(method.steps):
        rec = state.records[i]
        if state.status == "finished":
            st = "done" if rec.visits else "todo"
        else:
            st = "current" if i == state.step_index and state.status != "ready" else ("done" if i < state.step_index else "todo")
        steps.append({"index": i, "title": s.title, "minutes": minutes_json(s.minutes), "state": st,
                      "skipped": rec.skipped, "active_seconds": round(rec.active_seconds + (
                          step_elapsed(state, now) - state.timer.step_active if i == state.step_index else 0), 1),
                      "over_seconds": round(rec.over_seconds, 1),
                      # A step of a method run inside a ronde (the bijeenkomst) names its ronde.
                      "ronde": s.part.slot_title if s.part is not None else None})
    asking = state.moment is not None and state.moment.kind == "ask"
    return {
        "method": {"id": method.id, "name": method.name},
        "status": state.status,
        "participants": list(state.setup.participants),
        "inbrenger": state.inbrenger,
        "choosing_inbrenger": state.awaiting == "inbrenger",
        "asking": asking,  # a yes/no question waits
        "question": _question(state) if asking else None,
        "candidates": [{"name": c.name, "topic": c.topic, "score": c.score} for c in state.candidates],
        "procesbegeleider": state.setup.procesbegeleider,
        "elapsed_seconds": round(meeting_elapsed(state, now), 1),
        "started_at": state.timer.started_at,  # on the meeting clock: a line's `start` minus this is its time from Start
        "mode": "voice" if state.health.mic_ok else "manual",
        "notices": list(state.health.notices),
        "step": {
            "index": state.step_index,
            "count": len(method.steps),
            "id": step.id,
            "title": step.title,
            "ronde": step.part.slot_title if step.part is not None else None,
            "outcome": step.outcome,  # what this step yields (hulpvraag, volgende_stap...): the page asks for it here
            # The step after a rated round is where the inbrenger rates its items (W/N/K): the page's buttons.
            "rates": step.round is None and state.step_index > 0 and bool(
                (before := method.steps[state.step_index - 1].round) and before.rated),
            "cue": cues.fill(state, step.cue),
            "description": step.description,
            "examples": list(step.examples),
            "silence": step.silence,
            "transcribe": step.transcribe,
            "speakers": list(step.speakers),
            "listeners": list(step.listeners),
            "planned_seconds": round(planned_seconds(state), 1),
            "elapsed_seconds": round(step_elapsed(state, now), 1),
            "remaining_seconds": round(left, 1),
            "over_seconds": round(max(0.0, -left), 1) if timed else 0.0,
            "near_end": timed and 0 < left <= near_end_at(state),
            # So a screen colours the clock in time by itself, between two messages.
            "near_end_at": round(near_end_at(state), 1) if timed and left > 0 else 0.0,
            "time_up": timed and left <= 0,
            "round": round_view,
        },
        "steps": steps,
        "speaking": {k: round(v, 1) for k, v in totals.items()},
        "share": {k: round(v / talk, 3) for k, v in totals.items()} if talk > 0 else {},
        "current_speaker": state.speech.who if state.speech.since is not None else None,
        "hulpvraag": state.outcomes.hulpvraag,
        "passes": _passes(state),
    }
