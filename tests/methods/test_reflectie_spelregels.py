"""The reflectie checklist with its two columns and a line per point, kept with the meeting and in
every verslag format; the ten spelregels of seed 004 said at the start when a group chooses so."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engine"))

from engine_sim import Clock, Run  # noqa: E402

from facilitator.service import MeetingService  # noqa: E402
from facilitator.events import Say  # noqa: E402
from methods import load_library  # noqa: E402
from methods.guides import checklists, spelregels  # noqa: E402

PEOPLE = ["Anna", "Ben", "Carla", "Dirk"]


def test_the_checklists_have_the_sources_two_columns():
    assert checklists().columns == ("Doe ik al", "Wil ik meer gaan doen")
    assert len(checklists().get("reflectie").items) == 4


def test_reflectie_columns_and_lines_are_kept_with_the_meeting_and_in_every_format(tmp_path):
    service = MeetingService(tmp_path, load_library(None), clock=Clock())
    mid = service.create("case-clinic", PEOPLE, "Anna")
    service.command(mid, "start")
    service.command(mid, "finish")
    assert service.command(mid, "checklist", checklist="reflectie", index=1, column="doe_ik_al", checked=True)["ok"]
    assert service.command(mid, "checklist", checklist="reflectie", index=1, column="wil_ik_meer", checked=True)["ok"]
    assert service.command(mid, "checklist", checklist="reflectie", index=3, column="wil_ik_meer", checked=True)["ok"]
    assert service.command(mid, "checklist", checklist="reflectie", index=3,
                           text="De dialoog liep uit; volgende keer eerder afronden.")["ok"]
    assert service.command(mid, "checklist", checklist="reflectie", index=1, column="wil_ik_meer", checked=False)["ok"]
    refused = service.command(mid, "checklist", checklist="reflectie", index=1, column="misschien", checked=True)
    assert not refused["ok"] and "doe ik al" in refused["reason"]

    # Kept as events: a fresh service that replays the log has the same reflectie.
    again = MeetingService(tmp_path, load_library(None), clock=Clock())
    record = json.loads(again.export(mid, "json"))
    points = record["reflectie"]["points"]
    assert record["reflectie"]["columns"] == ["Doe ik al", "Wil ik meer gaan doen"]
    assert (points[1]["doe_ik_al"], points[1]["wil_ik_meer"]) == (True, False)
    assert (points[3]["doe_ik_al"], points[3]["wil_ik_meer"]) == (False, True)
    assert points[3]["note"] == "De dialoog liep uit; volgende keer eerder afronden."
    assert record["checklist"] == [["reflectie", 1]]  # the first column, as screens read it
    assert again.checklist(mid) == [("reflectie", 1)]

    md = again.export(mid, "md")
    assert "## Reflectie van de procesbegeleider" in md
    assert "| punt | doe ik al | wil ik meer gaan doen | eigen gedachte |" in md
    assert "| 2. Ik evalueer bij deelnemers achteraf het nut van de bijeenkomst | x |  |  |" in md
    assert "volgende keer eerder afronden. |" in md


def test_a_verslag_without_reflection_has_no_empty_reflectie_table(tmp_path):
    service = MeetingService(tmp_path, load_library(None), clock=Clock())
    mid = service.create("case-clinic", PEOPLE, "Anna")
    assert "Reflectie" not in service.export(mid, "md")


def _spoken(run: Run) -> list[str]:
    return [e.text for _, e in run.effects if isinstance(e, Say)]


def test_the_spelregels_are_said_at_the_start_only_when_chosen():
    chosen = Run.of("case-clinic", PEOPLE, "Anna", options={"spelregels": True})
    chosen.cmd("start")
    first = _spoken(chosen)[0]
    assert first.startswith("Welkom bij de Case Clinic.")
    assert first.endswith(spelregels().spoken)
    for word in ("vrijwillig", "gelijkheid", "in de groep", "respectvol", "grens", "overtuigen",
                 "inhoudelijk", "werkwijze", "één vraag per keer", "telefoons"):
        assert word in first, word
    chosen.cmd("next_step")
    chosen.cmd("previous_step")
    assert sum(spelregels().spoken in t for t in _spoken(chosen)) == 1  # once per meeting

    plain = Run.of("case-clinic", PEOPLE, "Anna")
    plain.cmd("start")
    assert "spelregels" not in _spoken(plain)[0]
