"""The one place the web layer calls the meeting service: ids, errors and command arguments."""

from __future__ import annotations

import re
from typing import Any, Optional

from facilitator.events import COMMAND_KINDS
from facilitator.service import MeetingService, SetupError  # noqa: F401  (for the start form)
from methods import UnknownMethod  # noqa: F401  (for the start form)

from web import state
from web.errors import UNKNOWN_MEETING, fail

MEETING_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

# Which arguments each command takes from a form or a JSON body; the service checks their values.
COMMAND_ARGS: dict[str, tuple[str, ...]] = {
    "extend": ("seconds",),
    "next_turn": ("expect_turn",),
    "pass": ("expect_turn",),
    "tip": ("utterance",),
    "set_hulpvraag": ("text",),
    "set_outcome": ("kind", "text"),
    "rate": ("utterance", "rating"),
    "correct": ("utterance", "text", "speaker", "type"),
    "note": ("text", "for_turn"),
    "checklist": ("checklist", "index", "checked", "column", "text"),
    "choose_inbrenger": ("name", "seat", "topic", "score"),
    "mark_outcome": ("kind", "utterance"),
    "answer": ("answer",),
}
SOURCES = ("web", "keyboard", "api")


def service() -> MeetingService:
    """The meeting service; its failures are UserErrors, which web/errors.py answers."""
    return state().service


def check_id(meeting_id: str) -> str:
    if not MEETING_ID.match(meeting_id or ""):
        fail(404, UNKNOWN_MEETING, "unknown_meeting")
    return meeting_id


def view(meeting_id: str) -> dict[str, Any]:
    return service().view(check_id(meeting_id))


def command_args(kind: str, values: dict[str, Any], *, from_form: bool) -> dict[str, Any]:
    """The arguments of a command, from a form (strings) or a JSON body (typed)."""
    if kind not in COMMAND_KINDS:
        # The unknown word is not echoed: it may be anything a client sent.
        fail(400, f"Onbekende opdracht. Kies uit: {', '.join(COMMAND_KINDS)}.")
    args: dict[str, Any] = {}
    for name in COMMAND_ARGS.get(kind, ()):
        if name not in values:
            continue
        value = values[name]
        if from_form:
            value = value.strip() if isinstance(value, str) else value
            if name == "seconds":
                try:
                    value = int(value)
                except (TypeError, ValueError):
                    fail(400, "Het aantal seconden moet een heel getal zijn.")
            elif name == "expect_turn":
                try:
                    value = int(value)
                except (TypeError, ValueError):
                    fail(400, "Onbekende beurt.")
            elif name == "index":
                try:
                    value = int(value)
                except (TypeError, ValueError):
                    fail(400, "Onbekend punt van de checklist.")
            elif name in ("checked", "for_turn"):
                value = value in ("1", "true", "ja", "on")
            elif name == "type" and value == "":
                value = None
        args[name] = value
    if from_form and kind == "correct":
        # A review form sends every field; "" for speaker means: leave it.
        if args.get("speaker") == "":
            args.pop("speaker")
    return args


def run_command(meeting_id: str, kind: str, args: dict[str, Any], source: str,
                by: Optional[str] = None) -> dict[str, Any]:
    """Send one command; the answer says whether the meeting took it (a refusal is no error)."""
    from web.schemas import check_command

    args = check_command(kind, args, by)
    return service().command(check_id(meeting_id), kind, source=source, by=by, **args)


def library():
    return state().library


def method_or_404(method_id: str):
    return library().get(method_id)  # UnknownMethod: a Dutch 404 (web/errors.py)


def reflectie_checklist() -> Optional[dict[str, Any]]:
    """The reflectie checklist of seed 003, for the procesbegeleider after the meeting."""
    from methods.guides import checklists

    try:
        return checklists().get("reflectie").model_dump()
    except KeyError:
        return None
