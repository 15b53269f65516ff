"""Spoken Dutch in method files: minutes as words, and the {names} a cue may fill in."""

from __future__ import annotations

import string
from typing import Optional, Union

# A duration as the source gives it: one figure, a [min, max] range, or unknown.
Minutes = Union[float, tuple[float, float], None]


def _num(value: float) -> float:
    return int(value) if float(value).is_integer() else value


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


def number_spoken(n: int) -> str:
    """A count as a cue says it: 'drie', or the digits where the words stop."""
    return _NUMBER_WORDS.get(n, str(n))


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


