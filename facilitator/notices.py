"""Every notice a screen or the terminal can show, in one table: a stable code, one Dutch sentence
that says what is wrong and what it means for the room, and what to do about it.

The engine, the voice room, the store and the service take their words from here; the live page
gets the sentences as data, so it can set the sentence apart from what to do. A part that knows
more precisely what to do (the microphone's own message, the disk that is full) gives that as
`detail`, and it takes the place of the table's general advice. Plain data: the engine imports it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Notice:
    code: str
    sentence: str  # what is wrong, and what the room does meanwhile: shown first, always
    todo: str      # what to do about it: behind "Wat te doen" on the live page

    def text(self, detail: str = "", **fields: object) -> str:
        """The notice as one line: the sentence, then what to do (the part's own words if it has them)."""
        todo = detail or self.todo.format(**fields)
        return f"{self.sentence.format(**fields)} {todo}"


_BUTTONS = "bedien de bijeenkomst met de knoppen en toetsen."
NOTICES: dict[str, Notice] = {n.code: n for n in (
    Notice("mic_missing", "Er is geen microfoon: " + _BUTTONS,
           "Sluit een microfoon aan en start opnieuw; 'facilitator devices' toont wat er is."),
    Notice("mic_lost", "De microfoon is weg: " + _BUTTONS,
           "Sluit hem weer aan; de facilitator luistert dan vanzelf weer."),
    Notice("asr_missing", "De spraakherkenning werkt niet: " + _BUTTONS,
           "Haal het spraakmodel op met 'facilitator models download vosk-model-small-nl-0.22'."),
    Notice("asr_failed", "De spraakherkenning werkt niet: " + _BUTTONS,
           "De facilitator probeert het opnieuw; 'facilitator doctor' zegt wat er mis is."),
    Notice("speech_off", "De spraak werkt niet: lees de aanwijzingen op het scherm voor.",
           "'facilitator doctor' zegt wat er mis is met de luidspreker of espeak-ng."),
    Notice("speech_failed", "De spraak werkt niet: lees de aanwijzingen op het scherm voor.",
           "Kijk of de luidspreker aan staat; 'facilitator doctor' zegt wat er mis is."),
    Notice("voice_fallback", "De gekozen stem spreekt niet: espeak-ng spreekt de aanwijzingen.",
           "'facilitator voices verify' zegt wat er mis is met de stem."),
    Notice("store_failed", "Opslaan lukt niet: de bijeenkomst loopt door in het geheugen; sluit dit venster niet.",
           "Maak ruimte vrij op de schijf; daarna slaat de facilitator alles alsnog op."),
    Notice("store_moved_aside", "De database was beschadigd en is apart gezet; er is een nieuwe begonnen.",
           "Bewaar het oude bestand ({aside}) als je het wilt laten herstellen."),
    Notice("group_size", "{method} werkt het best met {low} tot {high} mensen; jullie zijn met {count}.",
           "Het kan wel; voor jullie groep past misschien een andere werkvorm beter ('facilitator methods list')."),
    Notice("meeting_stuck", "Deze bijeenkomst loopt vast door een fout; de andere bijeenkomsten lopen door.",
           "Begin zo nodig een nieuwe."),
)}


def notice(code: str, detail: str = "", **fields: object) -> str:
    """The line for `code`; an unknown code is a bug, so it fails loudly in tests."""
    return NOTICES[code].text(detail, **fields)


def sentences() -> list[str]:
    """Each notice's first sentence, for the live page to set apart from what to do (one with
    names or numbers in it the page sets apart as the first sentence of the line)."""
    return sorted({n.sentence for n in NOTICES.values() if "{" not in n.sentence})
