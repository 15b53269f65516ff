"""Commands in a room with steady noise (-55 dBFS), through the file path `run --audio` uses: a command
said 1.5 s after a sentence is judged on its own, two passes 1 s apart are two passes, a sentence with a
command phrase inside is no command, and the quiet between people costs the recognizers nothing."""

from __future__ import annotations

import pytest

from facilitator.events import Command
from room_audio import Room
from voice.pipeline import GRAMMAR_LEAD, replay
from voice_helpers import KO_SENTENCE, KO_WITH_COMMAND_WORDS, ko_table

pytestmark = pytest.mark.slow

NOISE = -55.0
QUIET = 20.0  # a quiet stretch in the room: nobody speaks


@pytest.fixture(scope="module")
def room_meeting(pcm_of, ko_model, tmp_path_factory):
    room = Room(floor_dbfs=NOISE, seed=5)
    room.pause(1.0)
    room.say(pcm_of(KO_SENTENCE), KO_SENTENCE, gap=1.5)  # warm-up: the model adapts to the voice
    expected = []
    room.say(pcm_of("나는 바다와 큰 파도를 보았습니다"), gap=1.5)
    expected.append(("next_turn", room.say(pcm_of("감사 합니다"), gap=2.0)))
    for text in KO_WITH_COMMAND_WORDS:
        room.say(pcm_of(text), text, gap=1.5)
    room.pause(QUIET)
    room.say(pcm_of("동료들은 이 상황을 다르게 보고 있어요"), gap=1.5)
    expected.append(("pass", room.say(pcm_of("좋아요"), gap=1.0)))   # one person passes,
    expected.append(("pass", room.say(pcm_of("좋아요"), gap=2.0)))   # and the next, a second later
    wav = room.write(tmp_path_factory.mktemp("room") / "room-55.wav")
    listener = replay(wav, ko_model, commands=ko_table())
    found = [h for h in listener if isinstance(h.event, Command)]
    return expected, found, listener, room


def test_each_command_is_heard_on_its_own(room_meeting):
    expected, found, _, _ = room_meeting
    assert [h.event.kind for h in found] == [kind for kind, _ in expected]
    for h, (_, line) in zip(found, expected):
        start, end = h.event.args["spoken"]
        # Its own line, not the sentence before it (which ended 1.5 s earlier) nor the one after.
        assert line.start - 0.35 <= start and end <= line.speech_end + 0.35, (start, end, line)


def test_sentences_with_command_words_are_not_commands(room_meeting):
    _, found, listener, room = room_meeting
    inside = [ln for ln in room.lines if ln.text in KO_WITH_COMMAND_WORDS]
    assert len(inside) == len(KO_WITH_COMMAND_WORDS)
    for h in found:
        start, end = h.event.args["spoken"]
        assert not any(ln.start - 0.3 < end and start < ln.speech_end + 0.3 for ln in inside), h
    assert listener.stats["finals"] >= len(inside)  # they are lines of the transcript instead


def test_recognizers_hear_speech_not_the_quiet_between(room_meeting):
    _, _, listener, room = room_meeting
    st = listener.stats
    # The free-form recognizer hears the segments (with padding); the grammar also a short lead before
    # each. Neither hears the quiet stretch, so together they hear far less than the recording.
    assert st["fed_seconds"] < room.t - QUIET
    assert st["grammar_fed_seconds"] <= st["fed_seconds"] + st["segments"] * GRAMMAR_LEAD + 0.1
    assert st["grammar_fed_seconds"] < room.t - QUIET
