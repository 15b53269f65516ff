"""Each concept is defined once: a copy that comes back in another module or in the page's
scripts fails here, with the file and line where it came back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PRODUCT = ("facilitator", "voice", "methods", "web")


def _files(*endings: str) -> list[Path]:
    return sorted(p for top in PRODUCT for p in (REPO / top).rglob("*")
                  if p.name.endswith(endings) and "__pycache__" not in p.parts)


def _hits(pattern: str, suffixes: tuple[str, ...], allowed: set[str]) -> list[str]:
    rx = re.compile(pattern)
    out = []
    for path in _files(*suffixes):
        rel = path.relative_to(REPO).as_posix()
        if rel in allowed:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if rx.search(line):
                out.append(f"{rel}:{number}: {line.strip()}")
    return out


def test_the_outcome_kinds_are_listed_once():
    # A list of them names three or more on one line; everyone takes them from events.py instead.
    rx = re.compile(r"[\"'](volgende_stap|nuttig|doelen|terugkoppeling)[\"']")
    lists = [h for h in _hits(rx.pattern, (".py", ".js", ".html"), {"facilitator/events.py"})
             if len(set(rx.findall(h.split(":", 2)[2]))) >= 3]
    assert lists == []
    # The page's scripts get them, with their titles, from the server (data-titles).
    assert _hits(r"volgende_stap|Wat was nuttig", ("live-capture.js", "live-transcript.js"), set()) == []


def test_ratings_and_status_words_are_served_to_the_scripts():
    from facilitator.events import RATINGS
    from web.shaping import PAGE_TITLES, STATUS_WORDS

    assert PAGE_TITLES["ratings"] == RATINGS and PAGE_TITLES["status"] == STATUS_WORDS
    assert _hits(r"neutraal|klaar om te beginnen", (".js",), set()) == []
    assert _hits(r"[\"']W[\"']\s*,\s*[\"']N[\"']|\{\s*[\"']W[\"']\s*:", (".py",), {"facilitator/events.py"}) == []


def test_the_kinds_and_titles_agree():
    from typing import get_args

    from facilitator.events import OUTCOME_KINDS, OUTCOME_TITLES
    from methods.model import Outcome
    from web.shaping import PAGE_TITLES

    assert tuple(OUTCOME_TITLES) == OUTCOME_KINDS
    assert get_args(Outcome) == (*OUTCOME_KINDS, "notities")
    assert PAGE_TITLES["outcomes"] == list(OUTCOME_TITLES.items())


def test_seconds_are_written_as_m_ss_in_one_place():
    # clock_text.clock is the formatter. Other formats, on purpose, live in these files:
    other_formats = {
        "facilitator/clock_text.py": "the one m:ss",
        "web/static/js/live-dom.js": "the same m:ss for the page's own ticking clock",
        "web/shaping.py": "durations in hours and minutes, and a time of day (hh:mm)",
        "web/static/js/start.js": "a planned time of day",
        "facilitator/cli/voice_commands.py": "stream stamps with tenths, and SRT's hh:mm:ss,mmm",
    }
    pattern = r"%\s*60\s*:02d|//\s*60\s*}:|divmod\([^)]*,\s*60\)|Math\.floor\([^)]*/\s*60\)"
    assert _hits(pattern, (".py", ".js"), set(other_formats)) == []
    from facilitator.clock_text import clock

    assert [clock(s) for s in (0, 65.4, -5, 3725)] == ["0:00", "1:05", "-0:05", "1:02:05"]
    # Half a second up, as the page's Math.round: the live page and the verslag show one time per line.
    assert [clock(s) for s in (50.5, 2.5, 0.49, -0.5)] == ["0:51", "0:03", "0:00", "-0:01"]


def test_step_changing_commands_are_the_engines_list_only():
    from facilitator.events import STEP_CHANGING

    assert _hits(r"step_changing", (".py", ".toml"), set()) == []
    assert STEP_CHANGING == {"next_step", "previous_step", "skip", "finish"}


def test_names_are_filled_into_cues_in_one_place():
    # phrases.fill_cue knows which names a cue holds; everyone else asks it (or cues.fill).
    hits = _hits(r"\bfill\([^)]*inbrenger=", (".py",), {"facilitator/engine/phrases.py"})
    assert hits == []
    from facilitator.engine.phrases import fill_cue

    assert fill_cue("{inbrenger}, {procesbegeleider}", inbrenger=None, procesbegeleider="Eva") == "De inbrenger, Eva"
    assert fill_cue("Klaar. {inbrenger}, denk na. Dank {inbrenger}.", inbrenger=None, procesbegeleider=None) == \
        "Klaar. De inbrenger, denk na. Dank de inbrenger."  # a sentence starts with a capital


@pytest.mark.parametrize("path", _files(".py"), ids=lambda p: p.relative_to(REPO).as_posix())
def test_no_product_file_is_over_400_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 400, f"{path.relative_to(REPO)} has {lines} lines: split it along a seam"


def test_notices_come_from_one_table():
    """facilitator/notices.py holds every notice: code, sentence, what to do. Nobody writes one inline,
    and the live page sets the sentence apart by the table it is served, not by guessing at words."""
    from facilitator.notices import NOTICES, notice, sentences

    for code, item in NOTICES.items():
        assert item.code == code and item.sentence.endswith(".") and item.todo.endswith(".")
        fields = {"aside": "x", "method": "Case Clinic", "low": 4, "high": 5, "count": 3}
        assert notice(code, **fields).startswith(item.sentence.format(**fields) + " ")
    assert notice("mic_missing", "Kies een ander apparaat.").endswith(" Kies een ander apparaat.")
    inline = r"""(set_notice\([^,]+,\s*f?["']|notices\.append\(f?["']|_notice\([^,]+,\s*f?["'])"""
    assert _hits(inline, (".py",), set()) == []
    assert _hits(r"microfoon|herkenning|luidspreker", ("live-notices.js",), set()) == []
    assert "De microfoon is weg: bedien de bijeenkomst met de knoppen en toetsen." in sentences()


def test_every_notice_the_engine_raises_starts_with_a_sentence_of_the_table(tmp_path):
    from facilitator.events import DeviceEvent
    from facilitator.notices import sentences
    from facilitator.service import MeetingService
    from methods import load_library

    service = MeetingService(tmp_path, load_library(None))
    mid = service.create("case-clinic", ["Anna", "Ben", "Carla", "Dirk", "Eva"], "Anna")
    service.command(mid, "start")
    for kind in ("mic_lost", "speech_failed", "asr_failed", "store_failed"):
        service.feed(mid, DeviceEvent(kind, "Zo los je het op." if kind == "speech_failed" else ""))
    shown = service.view(mid)["notices"]
    assert len(shown) == 4 and all(any(n.startswith(s) for s in sentences()) for n in shown), shown
