"""The one place where a cue's text becomes what the speech engine reads aloud (both engines).

Checked against the phonemes espeak-ng's Dutch rules give (Piper's bundled data and the system's
agree): names, "inbrenger", "hulpvraag", whole numbers and "minuten" come out right as written;
what came out wrong is rewritten here. Examples of what went wrong: "1,5 minuut" was read
"één komma vijf minuut", "5 min." as "vijf min", "2e ronde" as "tweede e ronde", "&" switched
to English "and", and the method name "Case Clinic" was read as Dutch "kaase kliniek".
"""

from __future__ import annotations

import re

_ABBREVIATIONS = {
    "ca.": "circa", "bijv.": "bijvoorbeeld", "o.a.": "onder andere", "nr.": "nummer",
    "evt.": "eventueel", "m.b.t.": "met betrekking tot", "i.p.v.": "in plaats van", "d.w.z.": "dat wil zeggen",
}
_ORDINALS = {1: "eerste", 2: "tweede", 3: "derde", 4: "vierde", 5: "vijfde", 6: "zesde", 7: "zevende",
             8: "achtste", 9: "negende", 10: "tiende", 11: "elfde", 12: "twaalfde"}
_HALVES = {"0": "een halve", "1": "anderhalve", "2": "tweeënhalve", "3": "drieënhalve", "4": "vierenhalve",
           "5": "vijfenhalve", "10": "tienenhalve"}
# English names said as Dutch people say them (respelled for espeak-ng's Dutch rules).
_RESPELL = {"case clinic": "Kees Klinnik", "e-clinic": "ee-Klinnik"}

_ABBR_RE = re.compile(r"(?<!\w)(" + "|".join(re.escape(a) for a in _ABBREVIATIONS) + r")(?=\s|$)", re.IGNORECASE)
_RESPELL_RE = re.compile(r"\b(" + "|".join(re.escape(k) for k in _RESPELL) + r")\b", re.IGNORECASE)
_HALF_RE = re.compile(r"\b(\d+),5\s+(minuut|minuten|min\b\.?)", re.IGNORECASE)
_MIN_RE = re.compile(r"\b(\d+)\s*min\b\.?", re.IGNORECASE)
_ORDINAL_RE = re.compile(r"\b(\d{1,2})(?:e|de|ste)\b")
_FRACTION_RE = re.compile(r"\b(\d+)\s*/\s*(\d+)\b")


def speakable(text: str) -> str:
    """The text as the engines should read it; the screen keeps the original."""
    text = _RESPELL_RE.sub(lambda m: _RESPELL[m.group(1).lower()], text)
    text = _ABBR_RE.sub(lambda m: _ABBREVIATIONS[m.group(1).lower()], text)
    text = _HALF_RE.sub(_half, text)
    text = _MIN_RE.sub(lambda m: f"{m.group(1)} {'minuut' if m.group(1) == '1' else 'minuten'}", text)
    text = _ORDINAL_RE.sub(lambda m: _ORDINALS.get(int(m.group(1)), m.group(0)), text)
    text = _FRACTION_RE.sub(r"\1 van \2", text)
    text = text.replace("&", " en ").replace("±", " ongeveer ")
    return re.sub(r"\s{2,}", " ", text).strip()


def _half(match: re.Match) -> str:
    whole = match.group(1)
    if whole in _HALVES:
        return f"{_HALVES[whole]} minuut"
    return f"{whole} en een halve minuut"
