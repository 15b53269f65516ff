"""The method schema: what a method file may say, as immutable pydantic models."""

from __future__ import annotations

import re
import string
from typing import Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from facilitator.events import OutcomeKind

# A duration as the source gives it: one figure, a [min, max] range, or unknown.
Minutes = Union[float, tuple[float, float], None]

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

# Spoken Dutch number words, so a cue says "drie minuten" and not "3 minuten".
_NUMBER_WORDS = {
    1: "een", 2: "twee", 3: "drie", 4: "vier", 5: "vijf", 6: "zes", 7: "zeven", 8: "acht", 9: "negen",
    10: "tien", 11: "elf", 12: "twaalf", 13: "dertien", 14: "veertien", 15: "vijftien", 16: "zestien",
    17: "zeventien", 18: "achttien", 19: "negentien", 20: "twintig", 25: "vijfentwintig", 30: "dertig",
    40: "veertig", 45: "vijfenveertig", 60: "zestig", 90: "negentig",
}
# Fields of a step whose {minuten} is filled from the step's own minutes.
MINUTES_FIELDS = ("cue", "warning", "end")


# The names a spoken text may fill in ({minuten} is filled in when the file is read).
NAMES = ("inbrenger", "procesbegeleider")
TURN_NAMES = NAMES + ("naam",)


def check_placeholders(text: Optional[str], allowed: tuple[str, ...] = NAMES) -> Optional[str]:
    """A cue's {...} are known names without format tricks: '{', '{0}' or '{inbrenger:>5000000}' never pass."""
    if text is None:
        return text
    names = ", ".join("{" + n + "}" for n in allowed)
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        raise ValueError(f"losse accolade in de tekst; gebruik alleen {names} (of {{{{ en }}}} voor een accolade)") from None
    for _, field, spec, conversion in parts:
        if field is None:
            continue
        if field not in allowed or spec or conversion:
            shown = "{" + field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            raise ValueError(f"onbekende plaatsaanduiding '{shown[:40]}'; gebruik alleen {names}")
    return text


def minutes_spoken(value: "Minutes") -> str:
    """A step's minutes as a cue says them: 'een minuut', 'drie minuten', 'tien tot vijftien minuten'."""

    def word(x: float) -> str:
        if float(x) == 0.5:
            return "een halve"
        if float(x).is_integer() and int(x) in _NUMBER_WORDS:
            return _NUMBER_WORDS[int(x)]
        return f"{_num(x)}".replace(".", ",")

    if isinstance(value, tuple):
        return f"{word(value[0])} tot {word(value[1])} minuten"
    if value is None:
        return "even"
    if float(value) == 1:
        return "een minuut"
    if float(value) == 0.5:
        return "een halve minuut"
    return f"{word(value)} minuten"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


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


class Pause(_Frozen):
    """A timed silent moment: the facilitator says `cue` (if any), waits, and ends with the soft `end`."""

    seconds: int = Field(ge=1, le=600)
    cue: Optional[str] = None
    end: str = Field(min_length=1)


class Ask(_Frozen):
    """A yes/no question before a step runs: "is er behoefte aan ...?" (ja / nee, by voice, key or button)."""

    question: str = Field(min_length=1)
    yes: Literal["stap", "volgende"] = Field(
        "stap", description="stap: run this step; volgende: the answer was the step, go on to the next")
    no: Literal["overslaan", "einde"] = Field("overslaan", description="overslaan: skip this step; einde: end")


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
        if self.think_first is not None and self.round is None:
            raise ValueError("think_first hoort bij een stap met een ronde: de denkpauze komt voor de ronde")
        if self.minutes is None and not self.minutes_default:
            # A step without any time cannot be run on a clock.
            raise ValueError("geef 'minutes' op (markeer met minutes_default = true als de bron niets zegt)")
        return self

    @property
    def planned_minutes(self) -> float:
        """The time budget the engine runs with: the top of a range."""
        if self.minutes is None:
            return 0.0
        if isinstance(self.minutes, tuple):
            return self.minutes[1]
        return self.minutes


class InbrengerChoice(_Frozen):
    """How the method chooses who brings the case during the meeting (not at setup)."""

    how: Literal["vrijwillig", "scores", "groep"] = Field(
        description="vrijwillig: who wants to; scores: topics with a score, the highest first; groep: the group decides")
    needed_from: str = Field(description="the first step that needs the inbrenger: before it starts, someone is chosen")
    question: str = Field(min_length=1, description="said when that step is reached and no one is chosen yet")
    cue: Optional[str] = Field(None, description="that step's cue after a choice in the meeting, instead of its own")
    _names = field_validator("question", "cue")(classmethod(lambda cls, v: check_placeholders(v)))


class RepeatPerTopic(_Frozen):
    """A block of steps run again for each scored topic, in score order ("herhaling stap 2 t/m 6")."""

    from_step: str = Field(alias="from", description="the first step of the block")
    to_step: str = Field(alias="to", description="the last step of the block")
    next_cue: str = Field(min_length=1, description="said when the block starts again; {inbrenger} is the next one")


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
                texts = [step.cue, step.warning or "", step.end or ""]
                if step.round is not None:
                    texts += [step.round.turn_cue or "", step.round.inbrenger_responds or "", step.round.open_cue or ""]
                if any("{inbrenger}" in t for t in texts) or "{inbrenger}" in choice.question:
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


def _num(value: float) -> float:
    return int(value) if float(value).is_integer() else value


def minutes_text(value: Minutes) -> str:
    """Minutes in Dutch for people: '10', '10–15', '?'."""
    if value is None:
        return "?"
    if isinstance(value, tuple):
        return f"{_num(value[0])}–{_num(value[1])}"
    return f"{_num(value)}"
