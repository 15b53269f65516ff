"""Small records a step or a method holds: a pause, a yes/no question, how the inbrenger is chosen,
a method nested inside a step, and the mark a composed step carries."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

from methods.spoken import check_placeholders


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


_Frozen = Frozen

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




class Nest(_Frozen):
    """A whole method runs inside this step (the bijeenkomst's rondes): one of `choices`, the first by default."""

    choices: dict[str, str] = Field(
        min_length=1, description="method id -> how the cue names it ('de cirkeltechniek in teams')")
    cue: str = Field(min_length=1, description="said before the nested method's first step; {methode} names it")
    label: Optional[str] = Field(None, description="how a nested step names its ronde ('Tweede ronde'); default the title")
    question: str = Field(
        min_length=1, description="who brings in, for a nested method that names {inbrenger} but chooses no one")

    @field_validator("cue")
    @classmethod
    def _method_name(cls, value: str) -> str:
        return check_placeholders(value, ("methode",))

    _names = field_validator("question")(classmethod(lambda cls, v: check_placeholders(v)))


class Part(_Frozen):
    """Written by composition, never in a file: this step is step `number` of `method`, run inside
    step `slot` (number `slot_number`) of the outer method."""

    slot: str
    slot_number: int
    slot_title: str
    slot_label: str = Field(description="how the ronde is named in its later steps' headings")
    intro: str = Field(description="the nest's cue, filled: 'We doen nu de cirkeltechniek in teams.'")
    method: str
    name: str
    number: int
    first: bool = False
    last: bool = False
    choice: Optional[InbrengerChoice] = Field(
        None, description="a new inbrenger is chosen here, before this step begins")
