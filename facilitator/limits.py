"""What a meeting's setup and typed text may hold, checked before anything reaches the engine or the store.

Every channel (API, pages, CLI) goes through MeetingService.create, so these checks guard them all:
sizes a room can need and no more, Unicode that SQLite and JSON can hold, and option values of the
type the engine expects (a "60" where a number belongs once made every page fail).
"""

from __future__ import annotations

import typing
from dataclasses import MISSING, fields
from typing import Any, Optional

from pydantic import ConfigDict, Field, ValidationError, create_model

from facilitator.engine import Options, SetupError

MAX_PARTICIPANTS = 40
MAX_NAME = 80
MAX_HULPVRAAG = 4000
MAX_NOTE = 10_000          # one typed note, correction or outcome
MAX_EXTEND_SECONDS = 3600
# Ranges of the numeric options; their types come from the engine's own Options.
OPTION_BOUNDS = {"warning_seconds": (0, 3600), "turn_seconds": (5, 3600)}


def _option_model():
    hints = typing.get_type_hints(Options)
    spec: dict[str, Any] = {}
    for f in fields(Options):
        low_high = OPTION_BOUNDS.get(f.name)
        default = f.default if f.default is not MISSING else None
        spec[f.name] = (hints[f.name], Field(default, ge=low_high[0], le=low_high[1]) if low_high else default)
    return create_model("OptionsInput", __config__=ConfigDict(strict=True, extra="forbid"), **spec)


_OPTIONS = _option_model()


def check_options(options: Optional[dict]) -> dict:
    """The options as given, if every one has the engine's type and a sane value; else a Dutch SetupError."""
    if options is None:
        return {}
    if not isinstance(options, dict):
        raise SetupError("De opties moeten een lijst van naam en waarde zijn.")
    try:
        _OPTIONS.model_validate(options)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]) if error["loc"] else "?"
        if error["type"] == "extra_forbidden":
            raise SetupError(f"Onbekende optie: {name[:40]}.") from None
        bounds = OPTION_BOUNDS.get(name)
        hint = f" (een heel getal van {bounds[0]} tot {bounds[1]})" if bounds else ""
        raise SetupError(f"De optie {name} heeft een ongeldige waarde{hint}.") from None
    return dict(options)


def check_text(value: Any, what: str, limit: int) -> Optional[str]:
    """A text field: a string SQLite and JSON can hold (no lone surrogates), within its length."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise SetupError(f"{what} moet tekst zijn.")
    if len(value) > limit:
        raise SetupError(f"{what} is te lang (hoogstens {limit} tekens).")
    if not storable(value):
        raise SetupError(f"{what} bevat tekens die niet bewaard kunnen worden.")
    return value


def storable(value: str) -> bool:
    """Text SQLite and JSON can hold: valid UTF-8 (no lone surrogates) and no NUL."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in value


def check_setup(participants: Any, inbrenger: Any, procesbegeleider: Any, hulpvraag: Any,
                options: Any) -> dict:
    """Sizes, types and text of a setup, before the engine checks its meaning; returns the options."""
    if not isinstance(participants, (list, tuple)):
        raise SetupError("De deelnemers moeten een lijst met namen zijn, in zitvolgorde.")
    if len(participants) > MAX_PARTICIPANTS:
        raise SetupError(f"Hoogstens {MAX_PARTICIPANTS} deelnemers; splits de groep.")
    for name in participants:
        check_text(name, "Een naam", MAX_NAME)
    check_text(inbrenger, "De naam van de inbrenger", MAX_NAME)
    check_text(procesbegeleider, "De naam van de procesbegeleider", MAX_NAME)
    check_text(hulpvraag, "De hulpvraag", MAX_HULPVRAAG)
    return check_options(options)
