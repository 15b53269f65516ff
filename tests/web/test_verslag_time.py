"""Time in the verslag, on the real SQLite file: each step planned against used in Dutch, the meeting's
clock times (also after a restart with the laptop down), transcript times from Start, speaking time
from the turns held when there was no voice, and one sentence when there is none at all."""

from __future__ import annotations

import json

from facilitator.service import MeetingService
from web_scenario import OffsetClock
from verslag_scenario import TURNS, run_by_buttons, run_without_any_turn, set_day_clock


def _md_rows(md: str, heading: str) -> list[str]:
    part = md.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    return [line for line in part.splitlines() if line.startswith("| ")]


def test_markdown_and_json_show_each_step_planned_against_used_with_its_clock_time(service, clock):
    mid = run_by_buttons(service, clock)
    md = service.export(mid, "md")
    rows = _md_rows(md, "Stappen: gepland en gebruikt")
    assert rows[0] == "| begin | stap | gepland | gebruikt | verschil |"
    assert rows[2] == "| 14:10 | Presenteren | 3:00 | 3:20 | 0:20 over tijd |"
    assert rows[3] == "| 14:13 | Verhelderen | 5:00 | 3:10 | 1:50 korter dan gepland |"
    assert rows[4] == "| 14:16 | Waarderen | 3:00 | 0:15 | overgeslagen |"
    assert rows[5] == "| 14:16 | Adviseren | 6:00 | 7:00 | 1:00 over tijd |"   # the minute added counts as planned
    assert rows[6] == "| – | Afsluiten | 2:00 | – | niet aan toegekomen |"
    assert "- Tijd: 14:10–14:23" in md and "- Duur: 13:45" in md

    data = json.loads(service.export(mid, "json"))
    assert data["clock"]["start"] == "14:10" and data["clock"]["end"] == "14:23"
    steps = data["steps"]
    assert [s["starts_at"] for s in steps[:4]] == ["14:10", "14:13", "14:16", "14:16"]
    assert [round(s["starts_after_seconds"]) for s in steps[:4]] == [0, 200, 390, 405]
    assert round(steps[0]["difference_seconds"]) == 20 and round(steps[1]["difference_seconds"]) == -110
    assert steps[2]["skipped"] and steps[2]["verdict"] == "overgeslagen"
    assert steps[3]["planned_seconds"] == 360 and steps[3]["extra_seconds"] == 60


def test_transcript_times_count_from_start_not_from_creation(service, clock):
    mid = run_by_buttons(service, clock, setup_minutes=10)  # ten minutes between creating and Start
    md = service.export(mid, "md")
    assert "- 0:20 notitie: Bram moet om vier uur weg" in md
    line = json.loads(service.export(mid, "json"))["transcript"][0]
    assert round(line["since_start"]) == 20 and round(line["start"]) == 620  # the meeting clock still counts from creation
    served = service.transcript(mid)[0]                  # what the API and the live page get
    assert round(served["since_start"]) == 20
    assert round(served["start"] - service.view(mid)["started_at"]) == 20


def test_speaking_time_without_voice_is_the_turns_held_and_says_so(service, clock):
    mid = run_by_buttons(service, clock)
    data = json.loads(service.export(mid, "json"))
    assert data["speaking_basis"] == "beurten"
    seconds = {who: round(v["seconds"]) for who, v in data["speaking"].items()}
    # Bram also had the first turn of waarderen (15 s, until the skip) and of adviseren (7:00, until the end).
    assert seconds == {"Bram": TURNS["Bram"] + 15 + 420, "Carla": 70, "Dirk": 30, "Eva": 50}
    assert "Anna" not in seconds  # the inbrenger held no turn in a round
    md = service.export(mid, "md")
    assert "_Op basis van beurten._" in md and "| Carla | 1:10 | 11% |" in md


def test_no_speaking_time_at_all_is_one_sentence_and_no_table(service, clock):
    mid = run_without_any_turn(service, clock)
    md = service.export(mid, "md")
    part = md.split("## Spreektijd", 1)[1].split("\n## ", 1)[0]
    assert part.strip() == "Er is geen spreektijd gemeten: er was geen spraakherkenning en er zijn geen beurten gegeven."
    data = json.loads(service.export(mid, "json"))
    assert data["speaking"] == {} and data["speaking_basis"] is None


def test_clock_times_hold_after_a_restart_with_the_laptop_down_an_hour(data_dir, library, service, clock):
    set_day_clock(service, clock)
    mid = service.create("progressiegerichte-intervisie", ["Anna", "Bram", "Carla"], "Anna")
    service.command(mid, "start")                       # 14:00
    clock.advance(120)
    service.command(mid, "next_step")                   # 14:02
    clock.advance(60)
    service.tick()                                      # the heartbeat: how far the clock got
    service.close()

    later = OffsetClock()                               # a new process, an hour later (downtime is a pause)
    again = MeetingService(data_dir, library, clock=later)
    set_day_clock(again, later, 15, 3)
    assert again.command(mid, "next_step")["ok"]        # 15:03
    later.advance(60)
    again.command(mid, "finish")
    data = again.record(mid)
    assert [s["starts_at"] for s in data["steps"][:3]] == ["14:00", "14:02", "15:03"]
    assert data["clock"] == {**data["clock"], "start": "14:00", "end": "15:04"}
    assert round(data["duration_seconds"]) == 240       # the hour away is not meeting time


def test_a_meeting_still_going_says_which_step_is_on_and_turns_of_no_time_are_no_speaking_time(data_dir, library):
    now = [0.0]
    service = MeetingService(data_dir, library, clock=lambda: now[0])  # time moves only when the test says
    mid = service.create("progressiegerichte-intervisie", ["Anna", "Bram", "Carla"], "Anna")
    service.command(mid, "start")
    now[0] += 200
    service.command(mid, "next_step")                   # verhelderen: Bram's turn
    service.command(mid, "next_turn")                   # at once: Carla (no time held)
    service.command(mid, "pause")
    steps = service.record(mid)["steps"]
    assert [s["verdict"] for s in steps[:3]] == ["0:20 over tijd", "nu bezig", "nog niet begonnen"]
    data = service.record(mid)
    assert data["speaking"] == {} and data["speaking_basis"] is None
    assert "Er is geen spreektijd gemeten" in service.export(mid, "md")
