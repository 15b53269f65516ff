"""The agenda of a meeting: each step with its planned start and end, who speaks, what happens."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Optional

from methods import minutes_json, minutes_text
from facilitator.engine.state import Setup

ROLE_NAMES = {"deelnemers": "deelnemers", "iedereen": "iedereen", "inbrenger": "inbrenger",
              "procesbegeleider": "procesbegeleider"}


def _who(setup: Setup, roles) -> list[str]:
    names: list[str] = []
    for role in roles:
        if role == "inbrenger":
            names.append(setup.inbrenger)
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


def agenda(setup: Setup, start: Optional[datetime] = None) -> dict[str, Any]:
    """Planned times use the top of each range, as the engine does."""
    start = start or datetime.now().replace(second=0, microsecond=0)
    t = start
    rows = []
    for i, step in enumerate(setup.method.steps, start=1):
        end = t + timedelta(minutes=step.planned_minutes)
        what = step.cue.replace("{inbrenger}", setup.inbrenger).replace(
            "{procesbegeleider}", setup.procesbegeleider or "de procesbegeleider")
        row = {
            "number": i,
            "id": step.id,
            "title": step.title,
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
