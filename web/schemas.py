"""Every request body checked at the edge: JSON that parses, bounded nesting, typed fields, storable text.

A bad request answers 400 with a stable code and one Dutch sentence (a UserError) before anything
reaches a meeting, so it can never leave a half-made meeting or a view that fails for everyone.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Optional, Union

from flask import request
from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictInt, StringConstraints,
                      ValidationError)

from facilitator.errors import UserError
from facilitator.limits import MAX_EXTEND_SECONDS, MAX_HULPVRAAG, MAX_NAME, MAX_NOTE, MAX_PARTICIPANTS, storable

MAX_DEPTH = 16   # a meeting's setup needs three levels; deeper is an attack on the parser


class BadInput(UserError):
    status = 400
    code = "bad_input"


def _storable(value: str) -> str:
    if not storable(value):
        raise ValueError("not storable")
    return value


def Text(limit: int):  # noqa: N802  (a type factory)
    return Annotated[str, StringConstraints(strict=True, max_length=limit), AfterValidator(_storable)]


Name = Text(MAX_NAME)
Ident = Text(64)


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


class CreateMeeting(_Strict):
    method: Ident
    participants: Annotated[list[Name], Field(min_length=1, max_length=MAX_PARTICIPANTS)]
    inbrenger: Optional[Name] = None  # methods that choose in the meeting need none
    procesbegeleider: Optional[Name] = None
    hulpvraag: Optional[Text(MAX_HULPVRAAG)] = None
    options: Optional[dict[Ident, Any]] = None
    # Which method runs in the rondes of a method that nests one (the bijeenkomst): an id, or {step: id}.
    nested: Optional[Union[Ident, dict[Ident, Ident]]] = None


class Checklist(_Strict):
    checklist: Ident
    index: Annotated[StrictInt, Field(ge=0, le=1000)]
    checked: StrictBool


class Extend(_Strict):
    seconds: Annotated[StrictInt, Field(ge=1, le=MAX_EXTEND_SECONDS)] = 60


class Tip(_Strict):
    utterance: Optional[Ident] = None


class SetHulpvraag(_Strict):
    text: Optional[Text(MAX_HULPVRAAG)] = None


class SetOutcome(_Strict):
    kind: Optional[Ident] = None
    text: Optional[Text(MAX_NOTE)] = None


class Rate(_Strict):
    utterance: Optional[Ident] = None
    rating: Optional[Text(4)] = None


class Correct(_Strict):
    utterance: Optional[Ident] = None
    text: Optional[Text(MAX_NOTE)] = None
    speaker: Optional[Name] = None
    type: Optional[Ident] = None


class Note(_Strict):
    text: Optional[Text(MAX_NOTE)] = None
    for_turn: Optional[StrictBool] = None  # file it as the turn holder's item (a typed tip, question...)


class ChecklistCommand(_Strict):
    checklist: Optional[Ident] = None
    index: Optional[Annotated[StrictInt, Field(ge=0, le=1000)]] = None
    checked: Optional[StrictBool] = None
    column: Optional[Ident] = None
    text: Optional[Text(MAX_NOTE)] = None


class ChooseInbrenger(_Strict):
    name: Optional[Name] = None
    seat: Optional[Annotated[StrictInt, Field(ge=1, le=1000)]] = None
    topic: Optional[Text(MAX_NOTE)] = None
    score: Optional[Annotated[StrictInt, Field(ge=1, le=10)]] = None


class Answer(_Strict):
    answer: Optional[Ident] = None


class MarkOutcome(_Strict):
    kind: Optional[Ident] = None
    utterance: Optional[Ident] = None


class By(_Strict):
    by: Optional[Name] = None


# The arguments of each command that takes any (web/meetings.COMMAND_ARGS names which ones).
COMMANDS: dict[str, type[BaseModel]] = {
    "extend": Extend, "tip": Tip, "set_hulpvraag": SetHulpvraag, "set_outcome": SetOutcome, "rate": Rate,
    "correct": Correct, "note": Note, "checklist": ChecklistCommand, "choose_inbrenger": ChooseInbrenger,
    "mark_outcome": MarkOutcome, "answer": Answer,
}

REASONS = {
    "missing": "ontbreekt",
    "string_type": "moet tekst zijn",
    "int_type": "moet een heel getal zijn",
    "bool_type": "moet true of false zijn",
    "list_type": "moet een lijst zijn",
    "dict_type": "moet een object zijn",
    "string_too_long": "is te lang",
    "too_long": "heeft te veel onderdelen",
    "too_short": "heeft te weinig onderdelen",
    "greater_than_equal": "is te klein",
    "less_than_equal": "is te groot",
    "value_error": "bevat tekens die niet bewaard kunnen worden",
}


def _field(loc: tuple) -> str:
    """The field's name for a sentence: only plain characters of a known shape, never the user's raw key."""
    parts = [str(p) for p in loc if isinstance(p, (str, int))]
    name = ".".join(parts)[:40]
    return "".join(ch for ch in name if ch.isalnum() or ch in "._-") or "?"


def validate(model: type[BaseModel], data: Any) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        reason = REASONS.get(error["type"], "is ongeldig")
        raise BadInput(f"Het veld '{_field(error['loc'])}' {reason}.", "invalid_field") from None


def json_body() -> dict[str, Any]:
    """The request's JSON object; anything else (no JSON, too deep, not an object) is a BadInput."""
    raw = request.get_data(cache=True)
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than the parser's stack
        raise BadInput("Verwacht een JSON-object in de body.", "bad_json") from None
    if not isinstance(data, dict):
        raise BadInput("Verwacht een JSON-object in de body.", "bad_json")
    if _depth(data) > MAX_DEPTH:
        raise BadInput("De gegevens zijn te diep genest.", "too_deep")
    return data


def _depth(value: Any) -> int:
    deepest, todo = 0, [(value, 1)]
    while todo:
        item, level = todo.pop()
        deepest = max(deepest, level)
        if isinstance(item, dict):
            todo.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            todo.extend((v, level + 1) for v in item)
    return deepest


def check_command(kind: str, args: dict[str, Any], by: Optional[str]) -> dict[str, Any]:
    """A command's arguments of the right type and size, or a BadInput; `by` is a name."""
    validate(By, {"by": by})
    model = COMMANDS.get(kind)
    if model is None:
        return args
    validate(model, args)
    return args
