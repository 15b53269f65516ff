"""The verslag: a meeting's record for people (Markdown) and for programs (JSON)."""

from __future__ import annotations

import json
import re
from typing import Any, Optional

from methods import ITEMS
from facilitator import timeline
from facilitator.clock_text import clock
from facilitator.events import OUTCOME_TITLES
from facilitator.engine import meeting_elapsed, outcomes, speaking_by_step, speaking_totals, transcript
from facilitator.engine.state import State


def record(state: State, now: float, meeting_id: str, created: Optional[str],
           wall: Optional[timeline.WallClock] = None, turns: Optional[dict[str, float]] = None) -> dict[str, Any]:
    """The whole verslag as data. `wall` reads the meeting clock as the day's clock; `turns` are the
    seconds each person held the turn, the speaking time shown when no voice was measured."""
    method = state.method
    totals, basis = speaking_time(state, now, turns)
    talk = sum(totals.values()) or 1.0
    by_step = speaking_by_step(state, now) if basis == "stem" else {}
    steps = timeline.step_rows(state, now, wall)
    for row in steps:
        row["speaking"] = {k: round(v, 1) for k, v in by_step.get(row["index"], {}).items()}
    lines = transcript(state)
    return {
        "id": meeting_id,
        "created": created,
        "method": {"id": method.id, "name": method.name, "source": method.source},
        "participants": list(state.setup.participants),
        "inbrenger": state.inbrenger,
        "procesbegeleider": state.setup.procesbegeleider,
        "status": state.status,
        "duration_seconds": round(meeting_elapsed(state, now), 1),
        "clock": timeline.clock_times(state, wall),
        "outcomes": outcomes(state),
        "speaking_basis": basis,
        "speaking": {k: {"seconds": round(v, 1), "share": round(v / talk, 3)} for k, v in
                     sorted(totals.items(), key=lambda kv: -kv[1])},
        "steps": steps,
        "checklist": [[m.checklist, m.index] for m in state.outcomes.checklist if m.column == "doe_ik_al"],
        "reflectie": reflection(state),
        "transcript": lines,
    }


# Where the speaking time comes from, said beside it.
SPEAKING_BASIS = {"stem": "gemeten aan stemactiviteit", "beurten": "op basis van beurten"}


def speaking_time(state: State, now: float, turns: Optional[dict[str, float]]) -> tuple[dict[str, float], Optional[str]]:
    """Speaking time per person: measured by voice; without voice, the turns each held; else none."""
    totals = {k: v for k, v in speaking_totals(state, now).items() if v > 0}
    if totals:
        return totals, "stem"
    if turns:
        return dict(turns), "beurten"
    return {}, None


def reflection(state: State) -> dict[str, Any]:
    """The procesbegeleider's reflectie checklist (seed 003): per point the two columns and a line."""
    from methods.guides import checklists

    guide = checklists()
    checklist = guide.get("reflectie")
    marks = {(m.index, m.column) for m in state.outcomes.checklist if m.checklist == checklist.id}
    notes = {n.index: n.text for n in state.outcomes.checklist_notes if n.checklist == checklist.id}
    points = [{"index": i, "text": text, "doe_ik_al": (i, "doe_ik_al") in marks,
               "wil_ik_meer": (i, "wil_ik_meer") in marks, "note": notes.get(i)}
              for i, text in enumerate(checklist.items)]
    return {"title": checklist.title, "columns": list(guide.columns), "points": points}


# What Markdown (and the HTML inside it) would act on in someone's words: raw HTML, links, emphasis,
# table cells; and, at the start of a line, headings, quotes and list marks.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")  # "&lt;" would become "<" again
_MD_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])", re.M)


def _md(text: Optional[str]) -> str:
    """User text as literal Markdown: shown as typed, never as HTML, a link or a heading."""
    if not text:
        return ""
    text = _MD_ENTITY.sub("&amp;", _MD_SPECIAL.sub(r"\\\1", str(text)))
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def _reflection_markdown(rec: dict[str, Any]) -> list[str]:
    refl = rec.get("reflectie")
    if not refl or not any(p["doe_ik_al"] or p["wil_ik_meer"] or p["note"] for p in refl["points"]):
        return []
    first, second = refl["columns"]
    lines = ["", f"## Reflectie van de procesbegeleider", "",
             f"| punt | {first.lower()} | {second.lower()} | eigen gedachte |", "| --- | :---: | :---: | --- |"]
    for p in refl["points"]:
        note = _md(p["note"]).replace("\n", " ")
        lines.append(f"| {p['index'] + 1}. {_md(p['text'])} | {'x' if p['doe_ik_al'] else ''} | "
                     f"{'x' if p['wil_ik_meer'] else ''} | {note} |")
    return lines


def _speaking_markdown(rec: dict[str, Any]) -> list[str]:
    basis = rec.get("speaking_basis")
    if not basis or not rec["speaking"]:
        return ["", "## Spreektijd", "", NO_SPEAKING_TIME]
    lines = ["", "## Spreektijd", "", f"_{SPEAKING_BASIS[basis].capitalize()}._", "",
             "| wie | tijd | aandeel |", "| --- | ---: | ---: |"]
    for who, s in rec["speaking"].items():
        lines.append(f"| {_md(who)} | {clock(s['seconds'])} | {round(s['share'] * 100)}% |")
    return lines


NO_SPEAKING_TIME = "Er is geen spreektijd gemeten: er was geen spraakherkenning en er zijn geen beurten gegeven."


def to_json(rec: dict[str, Any]) -> str:
    return json.dumps(rec, ensure_ascii=False, indent=2)


def _plural(item: str) -> str:
    return ITEMS.get(item, (item, item))[1].capitalize()


def to_markdown(rec: dict[str, Any], with_transcript: bool = True) -> str:
    out = rec["outcomes"]
    lines = [f"# Verslag: {_md(rec['method']['name'])}", ""]
    lines.append(f"- Datum: {(rec.get('clock') or {}).get('date') or rec['created'] or 'onbekend'}")
    lines.append(f"- Deelnemers: {', '.join(_md(p) for p in rec['participants'])}")
    lines.append(f"- Inbrenger: {_md(rec['inbrenger'])}")
    if rec["procesbegeleider"]:
        lines.append(f"- Procesbegeleider: {_md(rec['procesbegeleider'])}")
    times = rec.get("clock") or {}
    if times.get("start"):
        lines.append(f"- Tijd: {times['start']}–{times.get('end') or 'nog bezig'}")
    lines.append(f"- Duur: {clock(rec['duration_seconds'])}")
    lines += ["", "## Hulpvraag", "", _md(out["hulpvraag"]) or "_(niet vastgelegd)_"]
    for key in ("doelen", "terugkoppeling"):
        title = OUTCOME_TITLES[key]
        if out.get(key):
            lines += ["", f"## {title}", "", _md(out[key])]
    for item, entries in out["items"].items():
        lines += ["", f"## {_plural(item)}", ""]
        for e in entries:
            rating = f" [{_md(e['rating'])}]" if e.get("rating") else ""
            lines.append(f"- **{_md(e['by'])}**: {_md(e['text'])}{rating}")
    if out["tips_by_person"]:
        lines += ["", "## Tips per persoon", ""]
        for who, tips in out["tips_by_person"].items():
            lines.append(f"- **{_md(who)}**: " + "; ".join(_md(t) for t in tips))
    lines += ["", f"## {OUTCOME_TITLES['volgende_stap']}", "", _md(out["volgende_stap"]) or "_(niet vastgelegd)_"]
    if out.get("nuttig"):
        lines += ["", f"## {OUTCOME_TITLES['nuttig']}", "", _md(out["nuttig"])]
    if out["notes"]:
        lines += ["", "## Notities", ""] + [f"- {_md(n)}" for n in out["notes"]]
    lines += _speaking_markdown(rec)
    lines += ["", "## Stappen: gepland en gebruikt", "", "| begin | stap | gepland | gebruikt | verschil |",
              "| --- | --- | ---: | ---: | --- |"]
    for st in rec["steps"]:
        used = clock(st["active_seconds"]) if st["visited"] else "–"
        lines.append(f"| {st.get('starts_at') or '–'} | {_md(st['title'])} | {clock(st['planned_seconds'])} | "
                     f"{used} | {st['verdict']} |")
    lines += _reflection_markdown(rec)
    if with_transcript and rec["transcript"]:
        lines += ["", "## Transcript"]
        current = None
        for line in rec["transcript"]:
            if line["step_index"] != current:
                current = line["step_index"]
                lines += ["", f"### {_md(line['step_title'])}", ""]
            kind = f" ({line['type']})" if line["type"] and line["type"] != line["speaker"] else ""
            at = clock(line.get("since_start", line["start"]))
            lines.append(f"- {at} {_md(line['speaker'])}{kind}: {_md(line['text'])}")
    return "\n".join(lines) + "\n"
