"""A Dutch meeting replayed with `--engine whisper`: real human sentences and our own commands (espeak-ng
Dutch voices) in a room's noise, through the live pipeline, the engine and the SQLite store.

Whisper has no grammar mode, so this is the listener's own promise: a command's words never become a
line or an outcome, and no stored row holds them; the sentences are stored as Dutch lines."""

from __future__ import annotations

import json
import sqlite3

import pytest

from facilitator.clock import StreamClock
from facilitator.replay import replay_recording
from facilitator.service import MeetingService
from methods import load_library
from room_audio import Room, espeak_nl
from voice.audio import read_pcm, write_wav

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def replayed(whisper, dutch_clips, tmp_path_factory):
    d = tmp_path_factory.mktemp("nl-meeting")
    clips = [read_pcm(dutch_clips[n][0]) for n in ("rdh_vl00203", "rdh_vl09647", "rdh_vl12745")]
    room = Room(floor_dbfs=-60.0)  # the shared room: its noise floor throughout, a cough, 1-2 s pauses
    room.pause(1.0)
    room.cough(gap=1.0)
    for pcm, gap in ((clips[0], 1.5), (espeak_nl("volgende stap", "nl", d), 2.0), (clips[1], 1.2),
                     (clips[2], 1.5), (espeak_nl("volgende", "nl+f3", d), 2.0)):
        room.say(pcm, gap=gap)
    pcm = room.pcm()
    wav = write_wav(d / "vergadering.wav", pcm)
    data = d / "data"
    clock = StreamClock()
    service = MeetingService(data, load_library(), clock=clock)
    meeting_id = service.create("case-clinic", ["Anna", "Ben", "Carla"], "Anna")
    counts = replay_recording(service, meeting_id, clock, wav, engine="whisper", model_path=str(whisper.path))
    export = json.loads(service.export(meeting_id, "json"))
    return dict(counts=counts, export=export, data=data, service=service, id=meeting_id)


def test_dutch_lines_and_commands(replayed, dutch_clips):
    counts, export = replayed["counts"], replayed["export"]
    assert counts["notices"] == []
    assert counts["commands"] >= 1  # "volgende stap" moved the meeting on
    texts = " ".join(json.dumps(export, ensure_ascii=False).lower().split())
    # The third line's word is "dialoog"; the base model spells it "dialog" or "dialoog" with the
    # room's noise: its stem is the word heard either way.
    for word in ("aardappel", "betrekkelijk", "dialo"):
        assert word in texts, word


def test_no_stored_row_holds_a_commands_words(replayed):
    db = next(replayed["data"].rglob("*.db"))
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = [d.lower() for (d,) in con.execute("SELECT data FROM events")]
    con.close()
    assert any("aardappel" in r for r in rows)
    assert not any("volgende" in r for r in rows), [r for r in rows if "volgende" in r]
    lines = [line["text"].lower() for line in replayed["export"]["transcript"]]
    assert lines and not any("volgende" in line for line in lines), lines
