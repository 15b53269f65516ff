"""Voice activity on real speech: one start/end per spoken line, pauses bridged, noise adapted to."""

from __future__ import annotations

import numpy as np
import pytest

from facilitator.events import SpeechActivity
from voice.audio import frames_from_pcm
from voice.vad import EnergyDetector, RoomDetector, VoiceActivity, WebRtcDetector, make_detector
from room_audio import Room
from voice_helpers import silence, speech_end


def run(vad: VoiceActivity, pcm: bytes) -> list[SpeechActivity]:
    events = []
    for frame in frames_from_pcm(pcm):
        events += vad.process(frame)
    return events + vad.flush()


@pytest.fixture(scope="module")
def two_lines(pcm_of):
    a = pcm_of("Ik wil graag iets vertellen over mijn casus.", "nl")
    b = pcm_of("Dank je wel.", "nl")
    room = Room()
    room.pause(1.0)
    lines = [room.say(a, gap=1.5), room.say(b, gap=1.0)]
    return room.pcm(), [(line.start, line.speech_end) for line in lines]


def with_noise(pcm: bytes, level: float) -> bytes:
    rng = np.random.default_rng(7)
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    noisy = samples + rng.normal(0, level, samples.size)
    return np.clip(noisy, -32768, 32767).astype("<i2").tobytes()


@pytest.mark.parametrize("detector", [WebRtcDetector, EnergyDetector])
def test_one_segment_per_line(two_lines, detector):
    pcm, marks = two_lines
    events = run(VoiceActivity(detector()), pcm)
    assert [e.speaking for e in events] == [True, False, True, False]
    for (start, end), on, off in zip(marks, events[::2], events[1::2]):
        assert start - 0.1 <= on.at <= start + 0.25
        assert end - 0.3 <= off.at <= end + 0.15


@pytest.mark.parametrize("detector", [WebRtcDetector, EnergyDetector])
def test_steady_noise_is_not_speech(two_lines, detector):
    pcm, _ = two_lines
    events = run(VoiceActivity(detector()), with_noise(pcm, 150.0))
    assert [e.speaking for e in events] == [True, False, True, False]


def test_short_hangover_splits_at_pauses_long_one_bridges_them(pcm_of):
    word = pcm_of("ja", "nl")
    room = Room()
    room.pause(0.5)
    room.say(word, gap=0.5)
    room.say(word, gap=1.0)
    pcm = room.pcm()
    assert len(run(VoiceActivity(hangover=0.2), pcm)) == 4
    assert len(run(VoiceActivity(hangover=0.8), pcm)) == 2


def test_a_click_is_not_a_speaker():
    click = (np.ones(160) * 20000).astype("<i2").tobytes()
    assert run(VoiceActivity(EnergyDetector()), silence(1) + click + silence(1)) == []


def test_webrtcvad_above_the_noise_floor_is_the_default_detector():
    detector = make_detector()
    assert isinstance(detector, RoomDetector) and isinstance(detector.webrtc, WebRtcDetector)


def test_a_pause_in_a_faint_steady_noise_floor_ends_the_segment(pcm_of):
    """A faint fan (about -61 dBFS) under everything: the pause after a sentence still ends it, so a
    command said a second later is a segment of its own (the end-to-end case: tests/e2e/test_room_noise.py)."""
    rng = np.random.default_rng(5)
    sentence = np.frombuffer(pcm_of("Ik denk dat we dit anders moeten aanpakken.", "nl"), dtype="<i2")
    word = np.frombuffer(pcm_of("volgende", "nl"), dtype="<i2")
    parts = [np.zeros(8000, "<i2"), sentence, rng.normal(0, 30, 16000).astype("<i2"), word,
             rng.normal(0, 30, 24000).astype("<i2")]
    pcm = np.concatenate(parts).astype("<i2")
    floor = rng.normal(0, 30, pcm.size)
    pcm = np.clip(pcm + floor, -32768, 32767).astype("<i2").tobytes()
    assert [a.speaking for a in run(VoiceActivity(RoomDetector()), pcm)] == [True, False, True, False]
