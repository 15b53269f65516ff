"""A hung speech worker during a meeting: killed and restarted, the cue shown on screen, the next cue spoken.

The real VoiceRoom speaks the real engine's cues through the real pyttsx3/espeak-ng worker process;
a render hook (loaded inside that worker) makes the "Stap 2" cue hang forever. Sound goes to a
RecordingSink, so the test can see which cues were really spoken.
"""

from __future__ import annotations

import time
from pathlib import Path

from faults_helpers import wait_for
from facilitator.service import MeetingService
from facilitator.wiring import VoiceRoom
from methods import load_library
from voice.player import RecordingSink
from voice.tts import Renderer

HOOK = f"{Path(__file__).with_name('hang_hook.py')}:hang_on_step_two"
TIMEOUT = 5.0  # the product's per-cue timeout


def test_hung_speech_worker_is_restarted_and_the_cue_is_shown(tmp_path):
    service = MeetingService(tmp_path / "data", load_library(None))
    mid = service.create("case-clinic", ["Anna", "Ben", "Carla"], "Anna")
    sink = RecordingSink()
    renderer = Renderer(tmp_path / "data" / "cache" / "cues", timeout=TIMEOUT, hook=HOOK)
    room = VoiceRoom(service, tmp_path / "data", meeting_id=mid, listen=False,
                     speaker_options={"sink": sink, "renderer": renderer})
    assert room.start() == []
    try:
        def spoken() -> int:  # clips longer than a chime: real speech reached the speakers
            with sink._lock:
                return sum(1 for _, clip in sink.played if clip.duration > 1.5)

        service.command(mid, "start")
        wait_for(lambda: spoken() == 1, 30, 0.02, "the first cue to be spoken")
        pid = renderer._proc.pid

        hung_at = time.monotonic()
        service.command(mid, "next_step")  # "Stap 2: ..." hangs in the worker
        view = wait_for(lambda: (lambda v: v if any("Spraak" in n or "spraak" in n for n in v["notices"]) else None)(
            service.view(mid)), TIMEOUT + 3, 0.02, "the speech failure notice")
        failed_after = time.monotonic() - hung_at
        assert failed_after <= TIMEOUT + 2.0, failed_after
        assert view["last_say"].startswith("Stap 2"), view["last_say"]  # the cue is on screen
        assert view["step"]["index"] == 1 and view["status"] == "running"
        assert spoken() == 1  # (a chime sounded instead of the hung speech)

        back_at = time.monotonic()
        service.command(mid, "next_step")  # "Stap 3: Stilte..." speaks again, from a fresh worker
        wait_for(lambda: spoken() == 2, 5.0, 0.02, "the next cue to be spoken by a restarted worker")
        restarted_after = time.monotonic() - back_at
        assert renderer._proc is not None and renderer._proc.pid != pid and renderer.restarts >= 1
        view = wait_for(lambda: (lambda v: v if not any("praak" in n for n in v["notices"]) else None)(
            service.view(mid)), 5, 0.02, "the notice to clear")
        assert view["last_say"].startswith("Stap 3")
        print(f"\nhung cue given up after {failed_after:.2f} s; next cue spoken {restarted_after:.2f} s later")
    finally:
        room.stop()
