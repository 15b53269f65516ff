"""The room, built in one place: meeting service and store, clock and ticker, voice and speech.

`serve`, `run` and `run --audio` all build a Room from one RoomSettings. Live, a Ticker thread
drives time on the monotonic clock and a VoiceRoom speaks and listens; from a recording, the
recording's stream time is the clock and the replay loop advances it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from facilitator.clock import TICK_SECONDS, StreamClock, Ticker

log = logging.getLogger(__name__)

VOICE_START_WAIT = 10.0  # seconds a stop waits for voice still starting: a model loads in a few


@dataclass(frozen=True)
class RoomSettings:
    """Everything a room is built from; the CLI fills it from its options."""

    data_dir: Path
    library: Any                          # methods.Library
    speak: bool = False                   # say the cues (espeak-ng through the speech worker)
    listen: bool = False                  # hear the room (microphone and recogniser)
    model_path: Optional[str] = None      # None: $FACILITATOR_MODEL or the default model
    engine: str = "auto"                  # recogniser: auto (Vosk and/or Whisper, what is there), vosk, whisper
    device: Optional[str] = None          # microphone name or number
    commands_path: Optional[str] = None   # own spoken command table
    recording: Optional[Path] = None      # replay this recording on its own clock instead of the room
    cues_dir: Optional[Path] = None       # with a recording: write each cue as a WAV
    tick_seconds: float = TICK_SECONDS
    speaker_options: dict = field(default_factory=dict)  # tests: sink, renderer
    voice_engine: str = "auto"            # who speaks: auto | piper | espeak (voice.piper_voices)
    voice_name: Optional[str] = None      # a Piper voice name, or an espeak-ng language


class Room:
    """A built room. `start()` sets time going (and voice), `stop()` ends it and says what was kept."""

    def __init__(self, settings: RoomSettings):
        from facilitator.service import MeetingService

        self.settings = settings
        self.clock: Optional[StreamClock] = StreamClock() if settings.recording else None
        self.service = MeetingService(settings.data_dir, settings.library,
                                      **({"clock": self.clock} if self.clock is not None else {}))
        self.ticker = Ticker(self.service, settings.tick_seconds, stream=self.clock)
        self.voice = None
        if settings.recording is None and (settings.speak or settings.listen):
            from facilitator.wiring import VoiceRoom

            self.voice = VoiceRoom(self.service, settings.data_dir, model_path=settings.model_path,
                                   device=settings.device, speak=settings.speak, listen=settings.listen,
                                   commands_path=settings.commands_path, speaker_options=settings.speaker_options,
                                   voice_engine=settings.voice_engine, voice_name=settings.voice_name,
                                   engine=settings.engine)
        self._stopped = False
        self._voice_start: Optional[threading.Thread] = None

    @property
    def notices(self) -> list[str]:
        """What the store said at start (a file set aside, changes read back), as sentences."""
        return [n for n in (self.service.store.notice, self.service.recovered) if n]

    def start(self, meeting_id: Optional[str] = None, *,
              on_notice: Optional[Callable[[str], None]] = None) -> "Room":
        """Time goes; voice starts for `meeting_id` (or the first meeting that speaks).

        With `on_notice`, voice starts in the background (the model takes seconds to load) and
        each part that cannot start is told to it; without, start waits and the notices are in
        `voice.notices`.
        """
        self.ticker.start()
        if self.voice is not None:
            if meeting_id is not None:
                self.voice.meeting_id = meeting_id
            if on_notice is None:
                self.voice.start()
            else:
                def start_voice() -> None:
                    for notice in self.voice.start():
                        on_notice(notice)

                self._voice_start = threading.Thread(target=start_voice, name="voice-start", daemon=True)
                self._voice_start.start()
        return self

    def replay(self, meeting_id: str, progress: Optional[Callable[[float], None]] = None) -> dict:
        """Drive `meeting_id` from the settings' recording; returns counts for the caller to report."""
        from facilitator.replay import replay_recording

        s = self.settings
        assert s.recording is not None and self.clock is not None, "a room without a recording has no replay"
        return replay_recording(self.service, meeting_id, self.clock, s.recording, model_path=s.model_path,
                                engine=s.engine,
                                commands_path=s.commands_path, cues_dir=s.cues_dir, data_dir=s.data_dir,
                                progress=progress, ticker=self.ticker, voice_engine=s.voice_engine,
                                voice_name=s.voice_name)

    def stop(self) -> str:
        """Stop time and voice, write what is only in memory; one sentence on what was kept."""
        if self._stopped:
            return ""
        self._stopped = True
        self.ticker.stop()
        if self._voice_start is not None:
            # A model still loading in native code when the process exits aborts it ("terminate called
            # without an active exception", seen on Ctrl-C right after start with the cores busy): let
            # the start finish, so voice is stopped as a whole and the exit is clean.
            self._voice_start.join(timeout=VOICE_START_WAIT)
        if self.voice is not None:
            self.voice.stop()
        return self.service.close()

    def __enter__(self) -> "Room":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
