"""A scripted Case Clinic (5 people, espeak-ng Korean speech, three minutes of real silence) replayed
through the real pipeline: ffmpeg decoding, webrtcvad, Vosk free-form + grammar, command spotting,
the engine and the SQLite store. Stream time is the clock."""

from __future__ import annotations

import json
import time

import pytest

import e2e_script as E
from facilitator.events import Heard, LineAdded, Say
from facilitator.service import MeetingService
from facilitator.clock import StreamClock
from facilitator.replay import replay_recording
from methods import load_library

pytestmark = pytest.mark.slow

# A spoken command acts when voice activity ends (0.3 s hangover) on the grammar's partial;
# replay ticks every 0.25 s. Cues caused by a command: within this after the command's end.
COMMAND_TOLERANCE = 1.5
# Cues caused by time (end of the silence, end of the journaling): the tick granularity.
TIME_TOLERANCE = 0.3
# Speaking time: voice activity adds up to a hangover (0.3 s) per segment and trims onsets.
SPEAKING_TOLERANCE_PER_LINE = 0.5


@pytest.fixture(scope="module")
def replayed(clinic, methods_dir, commands_file, ko_model_path, tmp_path_factory):
    script, wav = clinic
    data = tmp_path_factory.mktemp("data")
    clock = StreamClock()
    service = MeetingService(data, load_library(methods_dir), clock=clock)
    meeting_id = service.create(E.METHOD_ID, E.PEOPLE, "Anna")
    effects: list[tuple[float, object]] = []
    service.on_effect(lambda mid, eff: effects.append((clock.t, eff)) if mid == meeting_id else None)
    started = time.monotonic()
    counts = replay_recording(service, meeting_id, clock, wav, model_path=str(ko_model_path),
                              commands_path=str(commands_file), data_dir=data)
    wall = time.monotonic() - started
    print(f"\nreplayed {counts['seconds']:.0f} s of audio in {wall:.1f} s ({counts['seconds'] / wall:.1f}x real time)")
    export = json.loads(service.export(meeting_id, "json"))
    return dict(script=script, service=service, id=meeting_id, effects=effects, counts=counts, export=export)


def says(r, kind=None):
    return [(t, e) for t, e in r["effects"] if isinstance(e, Say) and (kind is None or e.kind == kind)]


def said_at(r, prefix: str) -> float:
    hits = [t for t, e in says(r) if e.text.startswith(prefix)]
    assert len(hits) == 1, f"cue {prefix!r} said {len(hits)} times: {[e.text for _, e in says(r)]}"
    return hits[0]


def test_every_spoken_command_is_acted_on_once(replayed):
    assert replayed["counts"]["commands"] == len(replayed["script"].commands())
    assert replayed["counts"]["notices"] == []


def test_steps_come_in_order_each_after_its_command(replayed):
    s = replayed["script"]
    commands = s.commands()
    step_cues = [(t, e.text) for t, e in says(replayed, "instruction")]
    titles = [text.split(".")[0] for _, text in step_cues]
    assert titles == ["Welkom bij de Case Clinic", "Stap 2: De intentie van de inbrenger van de casus",
                      "Stap 3: Stilte", "Stap 4: Spiegelen", "Stap 5: Generatieve dialoog",
                      "Stap 6: Afsluitende opmerkingen", "Stap 7: Voor jezelf opschrijven"]
    assert step_cues[0][0] == 0.0
    next_steps = [c for c in commands if c.command == "next_step"]
    # Steps 2, 3, 5, 6, 7 follow a spoken "next step"; step 4 follows the end of the silence.
    for (t, text), line in zip([step_cues[i] for i in (1, 2, 4, 5, 6)], next_steps):
        assert line.end <= t <= line.end + COMMAND_TOLERANCE, (text[:30], line.end, t)


def test_silence_lasts_three_minutes_of_stream_time(replayed):
    s = replayed["script"]
    began = said_at(replayed, "Stap 3: Stilte")
    ended = said_at(replayed, "De stilte is voorbij")
    assert abs(ended - began - E.SILENCE_SECONDS) <= TIME_TOLERANCE
    assert abs(said_at(replayed, "Stap 4: Spiegelen") - ended) <= TIME_TOLERANCE
    journaling = said_at(replayed, "Stap 7")
    assert abs(said_at(replayed, "De Case Clinic is klaar") - journaling - 30.0) <= TIME_TOLERANCE
    assert s.marks["stilte"] <= began <= s.marks["stilte"] + COMMAND_TOLERANCE


def test_turns_and_the_pass_in_order_at_their_commands(replayed):
    s = replayed["script"]
    turns = says(replayed, "turn")
    assert [e.text.split(",")[0] for _, e in turns] == ["Ben", "Carla", "Dirk", "Eva", "Anna", "Ben", "Carla"]
    # Ben's turn comes with the end of the silence; every later turn after the command that ends the previous.
    hand_ons = [c for c in s.commands() if c.command in ("next_turn", "pass")]
    assert [c.who for c in hand_ons] == ["Ben", "Carla", "Dirk", "Eva", "Ben"]
    for (t, e), line in zip(turns[1:5] + turns[6:], hand_ons):
        assert line.end <= t <= line.end + COMMAND_TOLERANCE, (e.text, line.end, t)
    assert replayed["service"].view(replayed["id"])["passes"] == {"Dirk": 1}


def test_nothing_is_transcribed_during_the_silence(replayed):
    s = replayed["script"]
    quiet_from, quiet_to = s.marks["stilte"] + 0.5, s.marks["stilte"] + E.SILENCE_SECONDS
    # (The final of the command that began the silence may come just after it began: it was said before.)
    shown = [e for t, e in replayed["effects"] if quiet_from <= t <= quiet_to
             and (isinstance(e, Heard) or (isinstance(e, LineAdded) and e.line.start >= s.marks["stilte"]))]
    assert shown == [], "text shown during the silence"
    stored = replayed["export"]["transcript"]
    assert [u for u in stored if u["step_index"] in (2, 6)] == []  # stilte and journaling
    assert [u for u in stored if quiet_from <= u["start"] <= quiet_to] == []
    # ...but the cough in the silence counts as speaking time.
    silence_step = replayed["export"]["steps"][2]
    assert silence_step["title"] == "Stilte" and silence_step["active_seconds"] == pytest.approx(180.0, abs=0.5)
    assert 0.2 <= silence_step["speaking"].get("groep", 0.0) <= 1.5


def test_speaking_time_per_person_within_tolerance(replayed):
    s = replayed["script"]
    expected = s.speaking()
    lines = {}
    for ln in s.lines:
        who = ln.heard_as or ln.who
        lines[who] = lines.get(who, 0) + 1
    measured = {k: v["seconds"] for k, v in replayed["export"]["speaking"].items()}
    assert set(measured) == set(expected)
    for who, seconds in expected.items():
        tolerance = SPEAKING_TOLERANCE_PER_LINE * lines[who] + 0.1 * seconds
        assert abs(measured.get(who, 0.0) - seconds) <= tolerance, (who, measured.get(who), round(seconds, 1), tolerance)


def test_stored_meeting_has_the_right_structure(replayed):
    x = replayed["export"]
    assert x["status"] == "finished"
    assert x["participants"] == E.PEOPLE and x["inbrenger"] == "Anna"
    assert [st["title"] for st in x["steps"]] == ["Verdeel de rollen", "De intentie van de inbrenger van de casus",
                                                  "Stilte", "Spiegelen", "Generatieve dialoog",
                                                  "Afsluitende opmerkingen", "Voor jezelf opschrijven"]
    assert all(st["visited"] and not st["skipped"] for st in x["steps"])
    assert x["duration_seconds"] == pytest.approx(said_at(replayed, "De Case Clinic is klaar"), abs=0.5)
    transcript = x["transcript"]
    assert transcript and all(not u["partial"] for u in transcript)
    assert [u["start"] for u in transcript] == sorted(u["start"] for u in transcript)
    assert {u["speaker"] for u in transcript if u["step_index"] == 1} == {"Anna"}
    mirrors = x["outcomes"]["items"]["spiegeling"]
    assert [m["by"] for m in mirrors if m["by"] != "Dirk"] == ["Ben", "Carla", "Eva"]
    reaction = [u for u in transcript if u["type"] == "reactie"]
    assert reaction and {u["speaker"] for u in reaction} == {"Anna"}


def test_spoken_commands_are_not_stored_as_outcomes(replayed):
    mirrors = replayed["export"]["outcomes"]["items"]["spiegeling"]
    assert "Dirk" not in [m["by"] for m in mirrors]
    assert all(len(m["utterances"]) == 1 for m in mirrors)
