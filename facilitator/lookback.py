"""Looking back on the group's last meeting: for the terugkoppeling ("wat heb je met de tips gedaan?")."""

from __future__ import annotations

from typing import Any, Optional

from methods import Method
from facilitator.store import StoreError


def previous_meeting(service, participants: list[str]) -> Optional[dict[str, Any]]:
    """The group's last finished meeting (at least half the same people), with what it gave."""
    wanted = {p.casefold() for p in participants}
    for row in service.meetings():  # newest first
        people = {p.casefold() for p in row.get("participants", [])}
        if wanted and len(people & wanted) * 2 >= len(wanted) and row.get("status") == "finished":
            out = service.outcomes(row["id"])
            return {**row, "hulpvraag": out["hulpvraag"], "tips_by_person": out["tips_by_person"],
                    "volgende_stap": out["volgende_stap"]}
    return None


def previous_case(service, method: Method, participants: list[str]) -> Optional[dict[str, Any]]:
    """For a method whose step looks back on last time (AKAD's terugkoppeling): what its inbrenger got,
    kept with the new meeting so the step can say it (and a replay says the same)."""
    if not any(step.outcome == "terugkoppeling" for step in method.steps):
        return None
    try:
        last = previous_meeting(service, participants)
    except StoreError:
        return None  # a look back is a nicety; the new meeting starts regardless
    if not last or not last.get("inbrenger"):
        return None
    tips = [t for person in (last.get("tips_by_person") or {}).values() for t in person]
    return {"inbrenger": last["inbrenger"], "hulpvraag": last.get("hulpvraag"), "tips": tips,
            "volgende_stap": last.get("volgende_stap")}
