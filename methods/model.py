"""The method schema: what a method file may say, as immutable pydantic models."""

from __future__ import annotations

import re
from typing import Literal, Optional, Union

from pydantic import Field, field_validator, model_validator

from facilitator.events import OutcomeKind
from methods.parts import Ask, Frozen as _Frozen, InbrengerChoice, Nest, Part, Pause, RepeatPerTopic
from methods.spoken import (  # noqa: F401  (re-exported: the schema's text helpers)
    MINUTES_FIELDS, NAMES, TURN_NAMES, Minutes, _num, check_placeholders, minutes_spoken)

# Who a step is for. Kept to the roles the engine can attribute speech to;
# anything finer (interviewer, binnencirkel, ...) belongs in the step's text.
Role = Literal["inbrenger", "deelnemers", "procesbegeleider", "iedereen"]

# What a person gives in one turn of a round, with the Dutch words people hear.
# (singular, plural). A method file names the key; cues use the words.
ITEMS: dict[str, tuple[str, str]] = {
    "vraag": ("vraag", "vragen"),
    "compliment": ("compliment", "complimenten"),
    "tip": ("tip", "tips"),
    "advies": ("advies", "adviezen"),
    "idee": ("idee", "ideeën"),
    "probleemdefinitie": ("probleemdefinitie", "probleemdefinities"),
    "reflectie": ("reflectie", "reflecties"),
    "spiegeling": ("spiegeling", "spiegelingen"),
    "reactie": ("reactie", "reacties"),
    "waardering": ("waardering", "waarderingen"),
    "dominant_idee": ("dominant idee", "dominante ideeën"),
    "alternatief": ("alternatief", "alternatieven"),
    "ervaring": ("ervaring", "ervaringen"),
    "onderwerp": ("onderwerp", "onderwerpen"),
    "feedback": ("feedback", "feedback"),
    "bijdrage": ("bijdrage", "bijdragen"),
}

# What a step yields: an outcome the engine captures (facilitator.events.OutcomeKind), or "notities".
Outcome = Literal[OutcomeKind, "notities"]

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

def _check_slug(value: str) -> str:
    if not SLUG.match(value):
        raise ValueError(f"'{value}' is geen geldige id: alleen kleine letters, cijfers en '-'")
    return value


def _check_minutes(value: Minutes) -> Minutes:
    if value is None:
        return value
    if isinstance(value, tuple):
        low, high = value
        if low < 0 or high < 0:
            raise ValueError("minuten mogen niet negatief zijn")
        if low > high:
            raise ValueError(f"bereik [{low:g}, {high:g}]: het eerste getal moet het kleinste zijn")
        return value
    if value < 0:
        raise ValueError("minuten mogen niet negatief zijn")
    return value


class Round(_Frozen):
    """A step that goes round the table, one person at a time."""

    item: str = Field(description="what each person gives: a key of ITEMS")
    per_person: int = Field(1, ge=1, description="how many items per turn")
    order: Literal["met_de_klok_mee"] = "met_de_klok_mee"
    who: Literal["deelnemers", "iedereen"] = Field(
        "deelnemers", description="deelnemers: everyone but the inbrenger; iedereen: all"
    )
    repeat_until_all_pass: bool = Field(
        False, description="go round again until a whole round passes"
    )
    max_rounds: Optional[int] = Field(None, ge=1, description="at most this many rounds")
    pass_allowed: bool = True
    turn_seconds: Optional[int] = Field(None, ge=5, description="a gentle budget per turn")
    turn_cue: Optional[str] = Field(
        None, description="what is said to the next person; {naam} is their name"
    )
    inbrenger_responds: Optional[str] = Field(
        None, description="when the round is over, the inbrenger gets the word with this cue"
    )
    open_after: bool = Field(
        False, description="after the round the step goes on as open talk until its time is up"
    )
    open_cue: Optional[str] = Field(
        None, description="what is said when the open talk after the round begins"
    )
    rated: bool = Field(
        False, description="the inbrenger rates each item warm, neutraal or koud (voice, key, button)")

    _names = field_validator("inbrenger_responds", "open_cue")(classmethod(lambda cls, v: check_placeholders(v)))
    _turn_names = field_validator("turn_cue")(classmethod(lambda cls, v: check_placeholders(v, TURN_NAMES)))

    @field_validator("item")
    @classmethod
    def _known_item(cls, value: str) -> str:
        if value not in ITEMS:
            known = ", ".join(sorted(ITEMS))
            raise ValueError(f"onbekend item '{value}'; kies uit: {known}")
        return value

    @property
    def item_word(self) -> str:
        return ITEMS[self.item][0]

    @property
    def item_plural(self) -> str:
        return ITEMS[self.item][1]


class Step(_Frozen):
    """One step of a method, with what the facilitator says and who speaks."""

    id: str = Field(description="a short slug, unique within the method")
    title: str = Field(min_length=1)
    minutes: Minutes = None
    minutes_default: bool = Field(
        False, description="true when the source gives no minutes and this is our default"
    )
    minutes_note: Optional[str] = None
    speakers: tuple[Role, ...] = ("iedereen",)
    listeners: tuple[Role, ...] = Field((), description="who must stay silent and listen")
    silence: bool = False
    transcribe: bool = Field(True, description="false: keep speaking time but no text")
    round: Optional[Round] = None
    outcome: Optional[Outcome] = None
    cue: str = Field(min_length=1, description="the spoken start instruction")
    warning: Optional[str] = Field(None, description="spoken shortly before time is up")
    end: Optional[str] = Field(None, description="spoken when the step's time is up")
    ask: Optional[Ask] = Field(None, description="a yes/no question first: the step is optional")
    think_first: Optional[Pause] = Field(None, description="a denkpauze before the step's round begins")
    pause_after: Optional[Pause] = Field(None, description="a silent moment after the step, before the next")
    nest: Optional[Nest] = Field(None, description="a whole method runs inside this step, chosen at setup")
    part: Optional[Part] = Field(None, description="set by composition: this step belongs to a nested method")
    prompts: tuple[str, ...] = Field(
        (), description="prompts the facilitator gives one after another within the step, in this order")
    examples: tuple[str, ...] = ()
    description: Optional[str] = Field(None, description="the longer text from the source")
    # The texts as written, with "{minuten}" unfilled: an extension that changes the minutes
    # fills them again. Not part of the file format or of a dump.
    minutes_templates: tuple[tuple[str, str], ...] = Field((), exclude=True, repr=False)

    _slug = field_validator("id")(classmethod(lambda cls, value: _check_slug(value)))

    _minutes = field_validator("minutes")(classmethod(lambda cls, value: _check_minutes(value)))
    _names = field_validator("cue", "warning", "end")(classmethod(lambda cls, v: check_placeholders(v)))

    @model_validator(mode="before")
    @classmethod
    def _fill_minutes(cls, data):
        # "{minuten}" follows the step's own minutes, also when an extension changes them,
        # so no cue says "drie minuten" for a step that now lasts five.
        if not isinstance(data, dict):
            return data
        minutes = data.get("minutes")
        if isinstance(minutes, list) and len(minutes) == 2:
            minutes = tuple(minutes)
        try:
            spoken = minutes_spoken(minutes)
        except (TypeError, ValueError):
            return data  # the minutes themselves are invalid: their own check reports it
        filled = dict(data)
        templates = []
        for key in MINUTES_FIELDS:
            if isinstance(filled.get(key), str) and "{minuten}" in filled[key]:
                templates.append((key, filled[key]))
                filled[key] = filled[key].replace("{minuten}", spoken)
        if templates:
            filled["minutes_templates"] = tuple(templates)
        return filled

    @model_validator(mode="after")
    def _consistent(self) -> "Step":
        if self.silence and self.round is not None:
            raise ValueError("een stiltestap kan geen ronde hebben")
        if self.nest is not None and (self.round is not None or self.silence):
            raise ValueError("een stap waarin een methode loopt (nest) heeft zelf geen ronde of stilte")
        if self.think_first is not None and self.round is None:
            raise ValueError("think_first hoort bij een stap met een ronde: de denkpauze komt voor de ronde")
        if self.minutes is None and not self.minutes_default:
            # A step without any time cannot be run on a clock.
            raise ValueError("geef 'minutes' op (markeer met minutes_default = true als de bron niets zegt)")
        return self

    @property
    def spoken_texts(self) -> list[str]:
        """Every text of the step that may name {inbrenger}: its cues and its round's."""
        texts = [self.cue, self.warning or "", self.end or ""]
        if self.round is not None:
            texts += [self.round.turn_cue or "", self.round.inbrenger_responds or "", self.round.open_cue or ""]
        return texts

    @property
    def planned_minutes(self) -> float:
        """The time budget the engine runs with: the top of a range."""
        if self.minutes is None:
            return 0.0
        if isinstance(self.minutes, tuple):
            return self.minutes[1]
        return self.minutes


class Method(_Frozen):
    """A whole method: its steps, rules and the source it comes from."""

    id: str
    name: str = Field(min_length=1)
    name_inferred: bool = Field(False, description="true when the source lost the title")
    name_note: Optional[str] = None
    source: str = Field(description="the seed file the method comes from")
    credit: Optional[str] = Field(None, description="the source's 'Bron'")
    purpose: str = Field(min_length=1)
    group_size: Optional[tuple[int, int]] = None
    group_size_note: Optional[str] = None
    total_minutes: Minutes = None
    total_note: Optional[str] = Field(None, description="how a stated total that differs is read")
    rules: tuple[str, ...] = ()
    closing_questions: tuple[str, ...] = ()
    preparation: tuple[str, ...] = ()
    invite_preparation: tuple[str, ...] = Field(
        (), description="what the invited do before the meeting, for the invitation")
    inbrenger_choice: Optional[InbrengerChoice] = Field(
        None, description="the inbrenger is chosen during the meeting, as the source says")
    repeat_per_topic: Optional[RepeatPerTopic] = None
    steps: tuple[Step, ...] = Field(min_length=1)
    user: bool = Field(False, description="loaded from the user's folder")
    path: Optional[str] = Field(None, description="the file it was loaded from")

    _slug = field_validator("id")(classmethod(lambda cls, value: _check_slug(value)))

    _minutes = field_validator("total_minutes")(classmethod(lambda cls, value: _check_minutes(value)))

    @field_validator("group_size")
    @classmethod
    def _group(cls, value: Optional[tuple[int, int]]) -> Optional[tuple[int, int]]:
        if value is not None and (value[0] < 1 or value[0] > value[1]):
            raise ValueError("groepsgrootte moet [min, max] zijn met 1 <= min <= max")
        return value

    @model_validator(mode="after")
    def _unique_steps(self) -> "Method":
        seen: set[str] = set()
        for step in self.steps:
            if step.id in seen:
                raise ValueError(f"stap-id '{step.id}' komt twee keer voor")
            seen.add(step.id)
        repeat = self.repeat_per_topic
        if repeat is not None:
            order = [s.id for s in self.steps]
            for key in (repeat.from_step, repeat.to_step):
                if key not in order:
                    raise ValueError(f"repeat_per_topic: stap '{key}' bestaat niet")
            if order.index(repeat.from_step) > order.index(repeat.to_step):
                raise ValueError("repeat_per_topic: 'from' moet voor 'to' komen")
            if self.inbrenger_choice is None or self.inbrenger_choice.how != "scores":
                raise ValueError("repeat_per_topic hoort bij inbrenger_choice met how = \"scores\"")
        choice = self.inbrenger_choice
        if choice is not None:
            if choice.needed_from not in seen:
                raise ValueError(f"inbrenger_choice.needed_from: stap '{choice.needed_from}' bestaat niet")
            for step in self.steps:
                if step.id == choice.needed_from:
                    break
                # Said before anyone is chosen: a cue that names the inbrenger would name nobody.
                if any("{inbrenger}" in t for t in step.spoken_texts) or "{inbrenger}" in choice.question:
                    raise ValueError(f"stap '{step.id}' noemt {{inbrenger}}, maar die is dan nog niet gekozen")
        return self

    @property
    def chooses_inbrenger(self) -> bool:
        return self.inbrenger_choice is not None

    @property
    def step_minutes(self) -> tuple[float, float]:
        """The sum of the steps' minutes as (low, high)."""
        low = high = 0.0
        for step in self.steps:
            if isinstance(step.minutes, tuple):
                low += step.minutes[0]
                high += step.minutes[1]
            elif step.minutes is not None:
                low += step.minutes
                high += step.minutes
        return low, high

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)


def minutes_json(value: Minutes) -> Union[float, list[float], None]:
    """Minutes as the JSON contract gives them: a number, [min, max] or null."""
    if isinstance(value, tuple):
        return [_num(value[0]), _num(value[1])]
    return None if value is None else _num(value)


def minutes_text(value: Minutes) -> str:
    """Minutes in Dutch for people: '10', '10–15', '?'."""
    if value is None:
        return "?"
    if isinstance(value, tuple):
        return f"{_num(value[0])}–{_num(value[1])}"
    return f"{_num(value)}"
