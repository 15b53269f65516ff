"""Whisper (faster-whisper, the real base model from the PyPI test packages) on real Dutch audio.

Human sentences: the CC0/Apache clips in tests/data/dutch (word error rate printed, asserted loosely).
Commands: our own phrases spoken by several espeak-ng Dutch voices, in a room's noise (sox)."""

from __future__ import annotations

import re

import pytest

from facilitator.events import Command, Utterance
from voice.audio import frames_from_pcm, read_pcm, write_wav
from voice.pipeline import Listener
from voice.transcribe import Engines, transcribe_file
from voice.whisper import WhisperWorker
from room_audio import DUTCH_VOICES, Room, espeak_nl, noise

pytestmark = pytest.mark.slow


def words(text: str) -> list[str]:
    return re.sub(r"[^\w\s]", " ", text.lower()).split()


def wer(ref: str, hyp: str) -> float:
    r, h = words(ref), words(hyp)
    d = list(range(len(h) + 1))
    for i, rw in enumerate(r, 1):
        prev, d[0] = d[0], i
        for j, hw in enumerate(h, 1):
            prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (rw != hw))
    return d[len(h)] / max(len(r), 1)


def whisper_only(whisper) -> Engines:
    return Engines("whisper", whisper=whisper)


def test_human_dutch_sentences(whisper, dutch_clips):
    errors, total = 0.0, 0
    for name, (wav, ref) in sorted(dutch_clips.items()):
        data = transcribe_file(wav, whisper_only(whisper))
        hyp = " ".join(s["text"] for s in data["segments"])
        e = wer(ref, hyp)
        print(f"{name}: WER {e:.0%}  ref={ref!r} hyp={hyp!r}")
        assert e <= 0.5, (name, hyp)
        errors += e * len(words(ref))
        total += len(words(ref))
        assert data["engine"] == "whisper" and data["language"] == "nl" and data["commands"] == []
        for seg in data["segments"]:
            assert seg["words"] and all(0 <= w["start"] <= w["end"] <= data["duration"] + 0.1 for w in seg["words"])
    print(f"overall WER {errors / total:.0%} over {total} words")
    assert errors / total <= 0.3


def test_no_text_from_quiet_noise_or_coughs(whisper, tmp_path):
    """Whisper is known to invent lines ("MUZIEK", subtitles credits) on quiet audio and noise."""
    room = Room(floor_dbfs=-60.0)
    room.pause(2.0)
    room.cough(gap=1.5)
    room.cough(gap=1.0)
    room.noise(2.0, -42.0, "brown", gap=2.0)  # a chair pushed back
    quiet = room.write(tmp_path / "kamer.wav")
    data = transcribe_file(quiet, whisper_only(whisper))
    assert data["segments"] == [] and data["commands"] == []
    # And the recognizer itself, handed a segment of pure noise or a faint hum, says nothing.
    for dbfs, color in ((-60.0, "white"), (-40.0, "pink"), (-35.0, "white")):
        sound = noise(2.0, dbfs, color).tobytes()
        assert whisper.decode(sound, 0.0) is None, (dbfs, color)


def test_word_times_are_stream_times(whisper, dutch_clips):
    wav, ref = dutch_clips["rdh_vl09647"]
    room = Room()
    room.pause(4.0)
    room.cough(gap=1.75)  # a cough in the room before the line
    spoken = room.say(read_pcm(wav), gap=1.5)
    heard = list(Listener(frames_from_pcm(room.pcm()), None, whisper=whisper, wait_for_whisper=True))
    lines = [h.event for h in heard if isinstance(h.event, Utterance)]
    assert len(lines) == 1 and wer(ref, lines[0].text) <= 0.4
    (start, end), line = (spoken.start, spoken.speech_end), lines[0]
    assert start - 0.35 <= line.words[0].start <= start + 0.5 and end - 0.6 <= line.words[-1].end <= end + 0.4
    assert line.start == line.words[0].start and line.end == line.words[-1].end


def test_a_full_queue_drops_work_never_order(whisper, dutch_clips):
    """When the machine falls behind, the bounded queue refuses work (the line keeps Vosk's text);
    what was taken comes back whole and in order."""
    pcm = read_pcm(dutch_clips["rdh_vl00203"][0])
    worker = WhisperWorker(whisper, maxsize=1)
    try:
        taken = [i for i in range(5) if worker.submit(i, pcm, 10.0 * i)]
        assert len(taken) < 5 and worker.stats["dropped"] == 5 - len(taken)
        got = []
        while worker.pending():
            got += worker.results(wait=True, timeout=120)
        assert [job.key for job, _ in got] == taken
        assert all(u is not None and u.start >= 10.0 * job.key for job, u in got)
    finally:
        worker.close()


def test_scoring_a_short_segment_goes_ahead_of_lines_waiting(whisper, dutch_clips, tmp_path):
    """A command is not kept waiting behind lines: the worker scores short segments first."""
    line = read_pcm(dutch_clips["rdh_vl12745"][0])
    room = Room()
    room.pause(0.3)
    room.say(espeak_nl("volgende", DUTCH_VOICES[0], tmp_path), gap=0.4)
    short = room.pcm()
    worker = WhisperWorker(whisper, maxsize=5)
    try:
        for i in range(3):
            assert worker.submit(("line", i), line, 10.0 * i, block=True)
        assert worker.submit("command", short, 40.0, block=True, phrases=("volgende", "volgende stap", "pauze"))
        got = []
        while worker.pending():
            got += worker.results(wait=True, timeout=120)
        order = [job.key for job, _ in got]
        # Line 0 may already be decoding when the command comes; lines 1 and 2 wait for it.
        assert order.index("command") < order.index(("line", 1)) < order.index(("line", 2)), order
        spot = dict((job.key, r) for job, r in got)["command"]
        assert spot is not None and max(spot.scores, key=spot.scores.get) == "volgende", spot
    finally:
        worker.close()


COMMANDS = [("volgende", "next_turn"), ("ik pas", "pass"), ("tip", "tip"), ("pauze", "pause"),
            ("volgende stap", "next_step"), ("herhaal", "repeat")]
SENTENCES = ["Ik pas dat vaak toe in mijn eigen werk.", "De volgende stap is dat we met het team gaan praten."]
REPLIES = ["Pas op.", "Volgende week.", "Dat klopt."]  # short, some with a command word: no command


@pytest.fixture(scope="module")
def spoken_meeting(whisper, tmp_path_factory):
    """Two espeak-ng voices say every command after a sentence, in a -60 dBFS room with coughs,
    and short replies that are no command."""
    d = tmp_path_factory.mktemp("nl-speech")
    room, expected = Room(floor_dbfs=-60.0), []
    room.pause(1.0)
    for i, voice in enumerate(DUTCH_VOICES[:2]):
        for j, (phrase, kind) in enumerate(COMMANDS):
            room.say(espeak_nl(SENTENCES[(i + j) % 2], voice, d), gap=1.5)
            room.say(espeak_nl(phrase, voice, d), gap=2.0)
            expected.append(kind)
            if j == 2:
                room.cough(gap=1.5)
            if j < len(REPLIES):
                room.say(espeak_nl(REPLIES[j], voice, d), gap=1.8)
    listener = Listener(frames_from_pcm(room.pcm()), None, whisper=whisper, wait_for_whisper=True)
    return list(listener), expected, listener


def test_spoken_commands_in_a_room(spoken_meeting):
    heard, expected, listener = spoken_meeting
    kinds = [h.event.kind for h in heard if isinstance(h.event, Command)]
    hits = sum(1 for k in set(kinds) for _ in range(min(kinds.count(k), expected.count(k))))
    false = len(kinds) - hits
    print(f"commands: {hits}/{len(expected)} found, {false} false; scored {listener.stats['scored']} segments")
    assert false == 0, kinds
    # Whisper base on espeak-ng: "herhaal" comes out as "Hengpouw", "verder" as "Weet dat" (see
    # voice/whisper_spot.py and the benchmark). With the short segments scored against our phrases
    # it found 7 of 12 in each of 10 runs on a busy 2-core machine (load 12 to 27): the floor is
    # one below that.
    assert hits >= 6, kinds


def test_a_commands_words_are_no_line_without_grammar_mode(spoken_meeting):
    """Whisper has no grammar mode: the listener alone keeps a command's words out of the transcript."""
    heard, _, _ = spoken_meeting
    found = [h.decision for h in heard if isinstance(h.event, Command)]
    lines = [h.event for h in heard if isinstance(h.event, Utterance)]
    assert found and lines
    assert all(0.0 < d.confidence <= 1.0 for d in found), found
    for d in found:
        assert not any(u.start < d.end and u.end > d.start for u in lines), d
    # The sentences with command words inside them are lines, not commands.
    assert sum(1 for u in lines if "stap" in u.text.lower() or "pas" in u.text.lower()) >= 2
