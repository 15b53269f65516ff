"""What the facilitator says, in short spoken Dutch, built from method data and the state."""

from __future__ import annotations

import re
from typing import Optional

from methods import Round, Step


class _Names(dict):
    # Unknown placeholders stay as written instead of crashing a meeting.
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(template: str, **names: Optional[str]) -> str:
    values = {k: (v if v else _fallback(k)) for k, v in names.items()}

    def sentence_start(m: re.Match) -> str:
        # "…afsluiten. {inbrenger}, denk na" before anyone brings in: "De inbrenger, denk na".
        key = m.group(2)
        if key in names and not names[key]:
            word = _fallback(key)
            return m.group(1) + word[:1].upper() + word[1:]
        return m.group(0)

    return _SENTENCE_START.sub(sentence_start, template).format_map(_Names(values))


_SENTENCE_START = re.compile(r"(^|[.!?]\s+)\{(\w+)\}")


def fill_cue(template: str, *, inbrenger: Optional[str], procesbegeleider: Optional[str]) -> str:
    """A cue with the names it may hold (methods.model.NAMES) filled in: the one place that does it."""
    return fill(template, inbrenger=inbrenger, procesbegeleider=procesbegeleider)


def _fallback(key: str) -> str:
    return {"inbrenger": "de inbrenger", "procesbegeleider": "de procesbegeleider"}.get(key, key)


def turn_call(round_: Round, name: str) -> str:
    if round_.turn_cue:
        return fill(round_.turn_cue, naam=name)
    if round_.per_person > 1:
        return f"{name}, jouw {round_.per_person} {round_.item_plural}."
    return f"{name}, jouw {round_.item_word}."


def round_intro(round_: Round, explain_pass: bool) -> str:
    # The first turn call follows at once and names who begins.
    text = "We gaan met de klok mee."
    if round_.pass_allowed:
        text += " Weet je even niets, zeg dan: ik pas." if explain_pass else " Passen mag."
    return text


def step_heading(number: int, step: Step, slot_said: bool = False) -> str:
    """Where we are. A step of a nested method (a ronde of the bijeenkomst) names its ronde; the first
    one also says which method runs now. `slot_said`: the ronde's heading was just said (its question)."""
    part = step.part
    if part is None:
        return "" if slot_said else f"Stap {number}: {step.title}."
    if not part.first:
        return "" if slot_said else f"{part.slot_label}, stap {part.number}: {step.title}."
    slot = "" if slot_said else f"Stap {part.slot_number}: {part.slot_title}. "
    return f"{slot}{part.intro} We beginnen met: {step.title}."


def number(method, index: int) -> int:
    """Step `index`'s number as people hear it: a nested method's ronde counts as one step of the outer one."""
    seen: list[str] = []
    for step in method.steps[: index + 1]:
        key = step.part.slot if step.part is not None else step.id
        if key not in seen:
            seen.append(key)
    return len(seen)


def slot_heading(step: Step, number: int) -> str:
    """Only the heading of the ronde (before its yes/no question), or the step's own heading."""
    part = step.part
    if part is not None and part.first:
        return f"Stap {part.slot_number}: {part.slot_title}."
    return step_heading(number, step)


def keep_silent() -> str:
    return "We zijn nog even stil."


def purpose(step: Step) -> str:
    """Why we do this step: the first sentence of the source's text, else the step's own cue."""
    text = (step.description or "").strip()
    if not text:
        return step.cue
    first = re.split(r"(?<=[.!?])\s+", text)[0]
    return f"Waarom deze stap? {first}"


def answered_yes() -> str:
    return "Dan gaan we verder."


def chosen(name: Optional[str]) -> str:
    return f"{name} brengt de casus in."


def previous_case(previous) -> str:
    """AKAD's terugkoppeling: what last time's inbrenger was given, and the question what came of it."""
    from methods.spoken import number_spoken

    name = previous.inbrenger
    text = f"Vorige keer bracht {name} een casus in"
    text += f", met de hulpvraag: {previous.hulpvraag.rstrip('.?!')}." if previous.hulpvraag else "."
    tips = [t.strip().rstrip(".") for t in previous.tips if t.strip()]
    if tips:
        count = "één tip" if len(tips) == 1 else f"{number_spoken(len(tips))} tips en ideeën"
        text += f" {name} kreeg {count}" + (", onder andere: " if len(tips) > 3 else ": ") + "; ".join(tips[:3]) + "."
    return text + f" {name}, wat heb je ermee gedaan? Wat werkte wel, wat niet, en waarom?"


def highest(name: Optional[str]) -> str:
    return f"{name} heeft het hoogste cijfer en is aan de beurt."


def choose_who() -> str:
    return "Wie brengt de casus in? Kies de naam op het scherm, of druk het nummer van de plaats."


def spelregels() -> str:
    """The ten general spelregels of seed 004, briefly, as the guide words them."""
    from methods.guides import spelregels as guide

    return guide().spoken


def new_round() -> str:
    return "Nog een rondje."


def all_passed() -> str:
    return "Iedereen heeft gepast. Dan gaan we door."


def round_done() -> str:
    return "Dat was de ronde."


def reply_done() -> str:
    # After the inbrenger's reply the step waits: a turn key pressed once too often never skips a step.
    return "Dat was de ronde. Zeg 'volgende stap' als jullie zover zijn."


def reopened() -> str:
    return "De bijeenkomst gaat verder. Zeg 'verder' als jullie zover zijn."


_ABOUT_TIME = re.compile(r"\btijd\b.*\bom\b", re.IGNORECASE)


def round_ended(everyone_passed: bool, step_end: Optional[str], time_up: bool) -> str:
    """What is said when a round is over and the step moves on: the step's own end cue too
    (placeholders filled by the caller), unless it says the time is up and it is not."""
    fits = step_end and (time_up or not _ABOUT_TIME.search(step_end))
    if everyone_passed:
        return f"Iedereen heeft gepast. {step_end}" if fits else all_passed()
    return step_end if fits else round_done()


def warning(step: Step, seconds: float = 60) -> str:
    if seconds >= 60:
        return step.warning or "Nog een minuut."
    return f"Nog {max(5, int(round(seconds / 5.0) * 5))} seconden."


def time_up(step: Step, waits: bool, explain: bool = True) -> str:
    text = step.end or "De tijd voor deze stap is om."  # placeholders are filled by the caller
    if waits and explain:
        text += " Zeg 'volgende stap' als jullie zover zijn."
    return text


def time_up_last(step: Step) -> str:
    # Nothing follows the last step: the group rounds off its sentence, then says so.
    return "De tijd is om. Zeg 'volgende stap' om af te ronden."


def open_talk() -> str:
    return "Dat was de ronde. Praat nu vrij verder."


def turn_warning(name: str) -> str:
    return f"{name}, wil je afronden?"


def remaining(seconds: float) -> str:
    if seconds < 0:
        over = -seconds
        if over < 90:
            return "We zitten over de tijd."
        return f"We zitten {round(over / 60)} minuten over de tijd."
    if seconds < 50:
        return f"Nog {max(5, int(round(seconds / 5.0) * 5))} seconden."
    minutes = round(seconds / 60)
    return "Nog een minuut." if minutes <= 1 else f"Nog {minutes} minuten."


def untimed() -> str:
    return "Deze stap heeft geen vaste tijd."


def paused() -> str:
    return "We pauzeren even. Zeg 'verder' om door te gaan."


def resumed() -> str:
    return "We gaan verder."


def extended(seconds: float) -> str:
    if seconds == 60:
        return "Er komt een minuut bij."
    if seconds % 60 == 0:
        return f"Er komen {int(seconds // 60)} minuten bij."
    return f"Er komen {int(seconds)} seconden bij."


def finished(last_step: Optional[Step] = None) -> str:
    # Closing questions ("Vond je het nuttig?") are a method's own last step, with time to answer.
    if last_step is not None and last_step.end:
        return last_step.end
    return "We zijn klaar. Dank jullie wel."


# Without voice the room answers with buttons and keys: the same sentence, with the button (and its key)
# where a voiced room would say a command. The spoken wording stays the one the snapshots keep.
_BUTTONS = {"volgende stap": ("Volgende stap", "toets S"), "verder": ("Verder", "spatiebalk")}
_SAY_COMMAND = re.compile(r"\b([Zz])eg (eerst )?'([^']+)'")
_SAY_CHOICE = re.compile(r"\b([Zz])eg (ja|wie)\b")


def by_hand(text: str) -> str:
    """The sentence for a room without voice: "Zeg 'verder'" becomes "Druk op 'Verder' (spatiebalk)"."""
    def button(m: re.Match) -> str:
        label = _BUTTONS.get(m.group(3).lower())
        if label is None:
            return m.group(0)
        return f"{'D' if m.group(1) == 'Z' else 'd'}ruk {m.group(2) or ''}op '{label[0]}' ({label[1]})"

    text = _SAY_COMMAND.sub(button, text)
    return _SAY_CHOICE.sub(lambda m: f"{'K' if m.group(1) == 'Z' else 'k'}ies op het scherm {m.group(2)}", text)


def mic_lost() -> str:
    return "De microfoon valt weg. We gaan verder met de knoppen."


def mic_restored() -> str:
    return "De microfoon werkt weer."


