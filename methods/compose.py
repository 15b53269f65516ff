"""A method that runs other methods inside its steps (the bijeenkomst's rondes), composed at setup into one
flat method: the engine runs steps, and the plan, the log and the verslag see every nested step."""

from __future__ import annotations

import re
from typing import Mapping, Optional, Union

from methods.model import Method, Step
from methods.parts import InbrengerChoice, Part

Chosen = Union[None, str, Mapping[str, str]]

# A nested method's own welcome ("Welkom bij de cirkeltechniek in teams.") is no welcome in the
# middle of a meeting: the slot's heading says which method runs now.
_WELCOME = re.compile(r"^\s*Welkom bij [^.?!]*[.!]\s*")


class NestError(ValueError):
    """The nested method asked for cannot run there; the message is one Dutch sentence."""


def slots(method: Method) -> list[Step]:
    """The steps of `method` in which a whole method runs."""
    return [s for s in method.steps if s.nest is not None]


def resolve(method: Method, chosen: Chosen) -> dict[str, str]:
    """Which method runs in which slot: one id for every slot, or {slot: id}; the first choice by default."""
    places = slots(method)
    if not places:
        if chosen:
            raise NestError(f"Bij {method.name} loopt geen methode in een stap; laat de keuze weg.")
        return {}
    wanted: dict[str, str] = {}
    if isinstance(chosen, str) and chosen.strip():
        wanted = {s.id: chosen.strip() for s in places}
    elif isinstance(chosen, Mapping):
        ids = [s.id for s in places]
        for slot, value in chosen.items():
            if slot not in ids:
                raise NestError(f"'{slot}' is geen stap waarin een methode loopt; kies uit: {', '.join(ids)}.")
            if not isinstance(value, str) or not value.strip():
                raise NestError(f"Geef bij '{slot}' de id van een methode.")
            wanted[slot] = value.strip()
    elif chosen not in (None, "", {}):
        raise NestError("Geef de methode als id, of per stap: ronde-1=ID.")
    result = {}
    for step in places:
        assert step.nest is not None
        choice = wanted.get(step.id, next(iter(step.nest.choices)))
        if choice not in step.nest.choices:
            raise NestError(f"In '{step.title}' kan {choice} niet; kies uit: {', '.join(step.nest.choices)}.")
        result[step.id] = choice
    return result


def compose(method: Method, library: Mapping[str, Method], chosen: Chosen = None) -> Method:
    """`method` with each nest step replaced by the chosen method's steps; unchanged without nests."""
    plan = resolve(method, chosen)
    if not plan:
        return method
    steps: list[dict] = []
    first_choice: Optional[InbrengerChoice] = None
    preparation = list(method.preparation)
    invite = list(method.invite_preparation)
    rules = list(method.rules)
    for number, step in enumerate(method.steps, start=1):
        if step.nest is None:
            steps.append(step.model_dump())
            continue
        inner = library.get(plan[step.id])
        if inner is None:
            raise NestError(f"De methode {plan[step.id]} is er niet; zie 'facilitator methods list'.")
        if slots(inner) or inner.repeat_per_topic is not None:
            raise NestError(f"{inner.name} kan niet binnen een andere methode lopen.")
        block, choice = _block(step, number, inner)
        steps += block
        if choice is not None and first_choice is None:
            first_choice = choice
        for target, extra in ((preparation, inner.preparation), (invite, inner.invite_preparation),
                              (rules, inner.rules)):
            target += [x for x in extra if x not in target]
    if method.inbrenger_choice is not None and first_choice is not None:
        raise NestError(f"{method.name} kiest zelf een inbrenger; een methode erin kan dat dan niet ook.")
    data = method.model_dump(exclude={"steps"})
    data.update(steps=steps, preparation=preparation, invite_preparation=invite, rules=rules,
                inbrenger_choice=(method.inbrenger_choice or first_choice))
    if data["inbrenger_choice"] is not None:
        data["inbrenger_choice"] = data["inbrenger_choice"].model_dump(by_alias=True)
    if method.repeat_per_topic is not None:
        data["repeat_per_topic"] = method.repeat_per_topic.model_dump(by_alias=True)
    return Method.model_validate(data)


def _block(slot: Step, number: int, inner: Method) -> tuple[list[dict], Optional[InbrengerChoice]]:
    """The inner method's steps as steps of the outer one, ids prefixed with the slot's."""
    assert slot.nest is not None
    prefix = slot.id + "-"
    intro = slot.nest.cue.replace("{methode}", slot.nest.choices[inner.id])
    choice = _choice(slot, inner, prefix)
    out = []
    last = len(inner.steps) - 1
    for i, step in enumerate(inner.steps):
        data = step.model_dump()
        data["id"] = prefix + step.id
        if i == 0:
            data["cue"] = _WELCOME.sub("", step.cue) or step.cue
            if slot.ask is not None:
                data["ask"] = slot.ask.model_dump()  # "is er tijd voor een tweede ronde?" before anything
        if i == last and slot.end:
            data["end"] = f"{step.end} {slot.end}" if step.end else slot.end
        here = choice if choice is not None and data["id"] == choice.needed_from else None
        data["part"] = Part(slot=slot.id, slot_number=number, slot_title=slot.title,
                            slot_label=slot.nest.label or slot.title, intro=intro,
                            method=inner.id, name=inner.name, number=i + 1, first=i == 0, last=i == last,
                            choice=here).model_dump()
        out.append(data)
    return out, choice


def _choice(slot: Step, inner: Method, prefix: str) -> Optional[InbrengerChoice]:
    """Who brings in during this slot: as the inner method chooses (its own thanks after the choice), else a
    volunteer before the first step that names the inbrenger. The question is the slot's: the inner one
    greets ("Welkom bij ...") or says "als eerste", which a second ronde is not."""
    assert slot.nest is not None
    own = inner.inbrenger_choice
    if own is not None:
        return own.model_copy(update={"needed_from": prefix + own.needed_from, "question": slot.nest.question})
    for step in inner.steps:
        named = any("{inbrenger}" in t for t in step.spoken_texts)
        if "inbrenger" in step.speakers or "inbrenger" in step.listeners or named:
            return InbrengerChoice(how="vrijwillig", needed_from=prefix + step.id, question=slot.nest.question)
    return None
