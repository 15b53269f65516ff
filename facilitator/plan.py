"""The agenda of a meeting: each step with its planned start and end, who speaks, what happens;
and the invitation that goes out before it (date, time, place, purpose, programme, preparation)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any, Optional

from methods import minutes_json, minutes_text
from facilitator.engine import phrases
from facilitator.engine.state import Setup

def _who(setup: Setup, roles) -> list[str]:
    names: list[str] = []
    for role in roles:
        if role == "inbrenger":
            names.append(setup.inbrenger or "de inbrenger")
        elif role == "procesbegeleider":
            names.append(setup.procesbegeleider or "de facilitator")
        elif role == "deelnemers":
            names += [p for p in setup.participants if p not in (setup.inbrenger, setup.procesbegeleider)]
        elif role == "iedereen":
            names += list(setup.participants)
    seen: list[str] = []
    for n in names:
        if n not in seen:
            seen.append(n)
    return seen


def _sequence(method, topics: int) -> list[tuple[int, Any, int]]:
    """(number, step, topic) in the order they run: a repeat_per_topic block once per topic."""
    steps = list(enumerate(method.steps, start=1))
    repeat = method.repeat_per_topic
    if repeat is None or topics <= 1:
        return [(n, s, 1) for n, s in steps]
    ids = [s.id for s in method.steps]
    first, last = ids.index(repeat.from_step), ids.index(repeat.to_step)
    block = steps[first:last + 1]
    out = [(n, s, 1) for n, s in steps[:last + 1]]
    for topic in range(2, topics + 1):
        out += [(n, s, topic) for n, s in block]
    return out + [(n, s, 1) for n, s in steps[last + 1:]]


def agenda(setup: Setup, start: Optional[datetime] = None, topics: int = 1) -> dict[str, Any]:
    """Planned times use the top of each range, as the engine does; a method that repeats a
    block per topic (snelle adviesrondes) shows it once per topic."""
    start = start or datetime.now().replace(second=0, microsecond=0)
    t = start
    rows = []
    for i, step, topic in _sequence(setup.method, topics):
        end = t + timedelta(minutes=step.planned_minutes)
        what = phrases.fill_cue(step.cue, inbrenger=setup.inbrenger, procesbegeleider=setup.procesbegeleider)
        what = re.sub(r"(^|[.?!]\s+)de inbrenger", lambda m: m.group(1) + "De inbrenger", what)
        part = step.part
        row = {
            "number": phrases.number(setup.method, i - 1),
            # A step of a method run inside a ronde (the bijeenkomst): its number there, and the ronde.
            "sub": part.number if part is not None else None,
            "ronde": {"id": part.slot, "title": part.slot_title, "method": part.method, "name": part.name}
            if part is not None else None,
            "label": (f"{phrases.number(setup.method, i - 1)}.{part.number}" if part is not None
                      else str(phrases.number(setup.method, i - 1))),
            "id": step.id,
            "title": step.title + (f" (onderwerp {topic})" if topic > 1 else ""),
            "topic": topic,
            "minutes": minutes_json(step.minutes),
            "minutes_text": minutes_text(step.minutes),
            "minutes_default": step.minutes_default,
            "start": t.strftime("%H:%M"),
            "end": end.strftime("%H:%M"),
            "speakers": [] if step.silence else _who(setup, step.speakers),
            "listeners": _who(setup, step.listeners),
            "silence": step.silence,
            "round": None,
            "what": what,
        }
        if step.round is not None:
            r = step.round
            row["round"] = {"item": r.item_word, "per_person": r.per_person,
                            "repeat_until_all_pass": r.repeat_until_all_pass, "max_rounds": r.max_rounds,
                            "pass_allowed": r.pass_allowed}
        rows.append(row)
        t = end
    return {
        "method": {"id": setup.method.id, "name": setup.method.name},
        "participants": list(setup.participants),
        "inbrenger": setup.inbrenger,
        "procesbegeleider": setup.procesbegeleider,
        "start": start.strftime("%H:%M"),
        "end": t.strftime("%H:%M"),
        "total_minutes": (t - start).total_seconds() / 60,
        "warnings": list(setup.warnings),
        "steps": rows,
    }


WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
          "oktober", "november", "december")


def dutch_date(day: datetime) -> str:
    """'dinsdag 8 december 2026', whatever the machine's locale."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def invitation(setup: Setup, start: datetime, place: Optional[str] = None, topics: int = 1) -> str:
    """The Dutch invitation to send the group: when, where, why, the programme with clock times,
    and how to prepare (the method's own preparation list)."""
    plan = agenda(setup, start, topics)
    method = setup.method
    lines = [f"Uitnodiging: {method.name}", ""]
    lines.append(f"Datum: {dutch_date(start)}")
    lines.append(f"Tijd: {plan['start']} tot {plan['end']} uur")
    lines.append(f"Plaats: {place or 'nog te bepalen'}")
    lines.append(f"Deelnemers: {', '.join(plan['participants'])}")
    if setup.procesbegeleider:
        lines.append(f"Procesbegeleider: {setup.procesbegeleider}")
    lines += ["", "Waarom we bij elkaar komen", method.purpose]
    lines += ["", "Wie een casus inbrengt"]
    if setup.inbrenger:
        lines.append(f"{setup.inbrenger} brengt een casus in. Inbrengen is altijd vrijwillig.")
    else:
        lines.append("Inbrengen is altijd vrijwillig. Wie een casus inbrengt, kiezen we tijdens de bijeenkomst.")
    lines += ["", "Het programma"]
    for row in plan["steps"]:
        untimed = " (zonder vaste tijd)" if not row["minutes"] else ""
        if row["ronde"] and row["sub"] == 1:
            lines.append(f"{row['number']}. {row['ronde']['title']}: {row['ronde']['name']}")
        lines.append(f"{row['start']}–{row['end']}  {row['label']}. {row['title']}{untimed}")
    # What the invited do beforehand; a method without such a list has only the facilitator's
    # (materials, the room), which the invited may as well know.
    preparing = method.invite_preparation or method.preparation
    if preparing:
        lines += ["", "Zo bereid je je voor"] + [f"- {item}" for item in preparing]
    # Seed 003, voorbereiding: explain the purpose clearly and compactly, ask for voluntary
    # participation, agree on the practical matters; seed 004, spelregel 3: what is said stays in the group.
    lines += ["", "Meedoen is vrijwillig. Wat we bespreken, blijft binnen de groep. Tot dan!"]
    return "\n".join(lines) + "\n"
