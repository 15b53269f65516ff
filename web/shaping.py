"""Turning methods and meetings into what the pages show: agendas, Dutch dates and durations."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from facilitator.clock_text import clock
from facilitator.events import OUTCOME_TITLES as STEP_OUTCOME_TITLES, RATINGS, TEXT_OUTCOME_KINDS
from methods import Method, minutes_json, minutes_text
from methods.model import ITEMS

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")
DAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")

STATUS_WORDS = {
    "ready": "klaar om te beginnen",
    "running": "bezig",
    "paused": "gepauzeerd",
    "finished": "afgerond",
}

# What a reviewer can relabel a line as; the first is "no type".
LINE_TYPES = ("", "vraag", "compliment", "tip", "advies", "idee", "spiegeling", "reflectie",
              "reactie", "probleemdefinitie", "waardering", "feedback")


# How screens head a round's items ("Vragen"), from the words the method files use.
OUTCOME_TITLES = {kind: plural[:1].upper() + plural[1:] for kind, (_, plural) in ITEMS.items()}
TEXT_OUTCOMES = tuple((kind, STEP_OUTCOME_TITLES[kind]) for kind in TEXT_OUTCOME_KINDS)
# The same titles for the live page's scripts, in a data attribute, so they keep no copy
# (outcomes as pairs: JSON keeps their order only in a list).
PAGE_TITLES = {"outcomes": list(STEP_OUTCOME_TITLES.items()), "items": OUTCOME_TITLES, "ratings": RATINGS,
               "status": STATUS_WORDS}


def duration_words(seconds: Optional[float]) -> str:
    if not seconds:
        return "–"
    minutes = int(round(seconds / 60))
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} u {minutes % 60:02d} min"


def dutch_date(value: Any) -> str:
    """'di 14 mei 2025, 10:30' from an ISO string or datetime."""
    if not value:
        return "–"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if value.tzinfo is not None:
        value = value.astimezone()
    return f"{DAYS[value.weekday()][:2]} {value.day} {MONTHS[value.month - 1]} {value.year}, {value:%H:%M}"


def agenda(method: Method) -> list[dict[str, Any]]:
    """The steps with their minutes and when each starts if every step takes its planned time."""
    rows = []
    at = 0.0
    for index, step in enumerate(method.steps):
        rows.append({
            "index": index,
            "title": step.title,
            "minutes": minutes_json(step.minutes),
            "minutes_text": minutes_text(step.minutes),
            "starts_at": at,
            "starts_text": clock(at * 60),
            "silence": step.silence,
            "round": step.round.item_plural if step.round else None,
            "default": step.minutes_default,
        })
        at += step.planned_minutes
    return rows


def clock_at(start_hhmm: str, minutes_in: float) -> str:
    """'14:05' for a step that starts `minutes_in` minutes after a start of '14:00'."""
    hours, minutes = (int(part) for part in start_hhmm.split(":"))
    total = int(round(hours * 60 + minutes + minutes_in)) % (24 * 60)
    return f"{total // 60:02d}:{total % 60:02d}"


def total_text(method: Method) -> str:
    low, high = method.step_minutes
    steps = minutes_text((low, high) if low != high else low)
    if method.total_minutes is None:
        return f"{steps} min"
    stated = minutes_text(method.total_minutes)
    return f"{stated} min" if stated == steps else f"{stated} min (stappen samen {steps})"


def group_text(method: Method) -> str:
    if not method.group_size:
        return "elke groepsgrootte"
    low, high = method.group_size
    return f"{low} personen" if low == high else f"{low}–{high} personen"


def method_card(method: Method) -> dict[str, Any]:
    planned = sum(step.planned_minutes for step in method.steps)
    return {
        "id": method.id,
        "name": method.name,
        "name_inferred": method.name_inferred,
        "purpose": method.purpose,
        "group_size": list(method.group_size) if method.group_size else None,
        "group_text": group_text(method),
        "total_text": total_text(method),
        "planned_minutes": planned,
        "steps": len(method.steps),
        "agenda": agenda(method),
        "rules": list(method.rules),
        "preparation": list(method.preparation),
        # Steps in which a whole method runs (the bijeenkomst's rondes): the start page lets you choose.
        "nests": [{"slot": s.id, "title": s.title, "choices": [{"id": k, "label": v} for k, v in s.nest.choices.items()]}
                  for s in method.steps if s.nest is not None],
        "chooses_inbrenger": method.inbrenger_choice is not None,  # the group chooses in the meeting
        "credit": method.credit,
        "user": method.user,
        "search": fold(" ".join([method.id, method.name, method.purpose])),
    }


def fold(text: str) -> str:
    """Lower case without accents, so 'bálint' finds 'Balint' (the page folds what is typed the same way)."""
    import unicodedata

    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def share_percent(value: Optional[float]) -> int:
    """A share 0..1 as a whole percentage, for the w-0..w-100 bar classes."""
    if not value:
        return 0
    return max(0, min(100, int(round(value * 100))))


def speaking_rows(view: dict[str, Any]) -> list[dict[str, Any]]:
    """Speaking time per person in seating order, then the group, with bar widths."""
    speaking = view.get("speaking") or {}
    share = view.get("share") or {}
    names = list(view.get("participants") or [])
    names += [n for n in speaking if n not in names and n != "groep"]
    longest = max([speaking.get(n, 0) or 0 for n in names] + [1])
    rows = []
    for name in names:
        seconds = speaking.get(name, 0) or 0
        rows.append({"name": name, "seconds": seconds, "text": clock(seconds),
                     "share": share_percent(share.get(name)), "bar": share_percent(seconds / longest)})
    if speaking.get("groep"):
        rows.append({"name": "groep", "seconds": speaking["groep"], "text": clock(speaking["groep"]),
                     "share": None, "bar": share_percent(speaking["groep"] / max(longest, speaking["groep"]))})
    return rows


def record_speaking_rows(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The verslag's speaking time as bars; from turns, only who held one (the others were not timed)."""
    speaking = record.get("speaking") or {}
    rows = speaking_rows({"participants": record.get("participants"),
                          "speaking": {k: v["seconds"] for k, v in speaking.items()},
                          "share": {k: v["share"] for k, v in speaking.items()}})
    if record.get("speaking_basis") != "stem":
        rows = [row for row in rows if row["seconds"] > 0]
    return rows


def transcript_by_step(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Transcript lines grouped by step, in order."""
    groups: list[dict[str, Any]] = []
    for line in lines:
        if not groups or groups[-1]["step_index"] != line.get("step_index"):
            groups.append({"step_index": line.get("step_index"), "title": line.get("step_title") or "Zonder stap",
                           "lines": []})
        groups[-1]["lines"].append(line)
    return groups


def minutes_value(value: Any) -> str:
    """A step's minutes as the view gives them (a number, [low, high] or null), in Dutch."""
    if value is None:
        return "?"
    if isinstance(value, (list, tuple)):
        return f"{_num(value[0])}–{_num(value[1])}"
    return _num(value)


def _num(value: Any) -> str:
    return f"{int(value)}" if float(value).is_integer() else f"{value:g}".replace(".", ",")


def role_words(roles: Any, view: dict[str, Any]) -> str:
    """Roles of a step ('inbrenger', 'deelnemers'...) as the people at this table."""
    words = []
    for role in roles or ():
        if role == "inbrenger":
            words.append(view.get("inbrenger") or "de inbrenger")
        elif role == "procesbegeleider":
            words.append(view.get("procesbegeleider") or "de procesbegeleider")
        elif role == "deelnemers":
            words.append("de deelnemers")
        elif role == "iedereen":
            words.append("iedereen")
        else:
            words.append(str(role))
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " en " + words[-1]
