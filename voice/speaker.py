"""The Speaker: turns the engine's Say and Chime effects into sound, and never raises into the meeting."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Callable, Optional

from facilitator.events import DeviceEvent
from voice.chime import CHIME_RATE, chime_samples
from voice.errors import VoiceError
from voice.gate import Gate
from voice.player import Clip, Player, Sink, join_clips
from voice.tts import Rendered, Renderer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CueResult:
    """What became of one cue. On failure `error` is a Dutch sentence for the screen."""

    ok: bool
    text: str
    until: Optional[float] = None   # player-clock time the sound ends (chime alone if speech failed)
    error: Optional[str] = None
    code: Optional[str] = None


class Speaker:
    """Chime + Dutch speech for a cue; on failure the chime still sounds and the caller gets the reason.

        speaker = Speaker(data_dir / "cache" / "cues", gate=gate)       # live: the sound card
        speaker = Speaker(cache, gate=gate, sink=NullSink(), clock=lambda: stream_now)  # replay
        result = speaker.say("Stap 2: vragen stellen. Je hebt vijf minuten.")
        if not result.ok: show(result.error)
    """

    def __init__(
        self,
        cache_dir: os.PathLike | str,
        *,
        gate: Optional[Gate] = None,
        sink: Optional[Sink] = None,
        clock: Optional[Callable[[], float]] = None,
        rate: int = 160,
        volume: float = 1.0,
        timeout: float = 5.0,
        on_device_event: Optional[Callable[[DeviceEvent], None]] = None,
        renderer: Optional[Renderer] = None,
        player: Optional[Player] = None,
    ):
        self.renderer = renderer or Renderer(cache_dir, rate=rate, volume=volume, timeout=timeout)
        kwargs = {"clock": clock} if clock is not None else {}
        self.player = player or Player(sink=sink, gate=gate, **kwargs)
        self.on_device_event = on_device_event
        self._speech_down = False

    def say(self, text: str, *, chime: Optional[str] = "announce") -> CueResult:
        """Chime (kind announce/warning/end, or None for none) then the spoken text.

        If the text cannot be spoken, a chime sounds anyway, so the room knows to look at the screen.
        """
        rendered = self.renderer.render(text)
        speech: Optional[Clip] = None
        if rendered.ok:
            try:
                speech = Clip.from_wav(rendered.path)
            except Exception as exc:  # a cache file damaged after the check
                rendered = Rendered(text, None, error=VoiceError(
                    "tts_failed", f"Het geluidsbestand van deze zin is beschadigd ({exc}); de tekst staat op het scherm."))
        clips: list[Clip] = []
        if chime or speech is None:
            clips.append(Clip(chime_samples(chime or "announce"), CHIME_RATE))
        if speech is not None:
            clips.append(speech)
        self._note_speech(rendered.error)
        until = None
        if clips:
            try:
                same_rate = all(c.rate == clips[0].rate for c in clips)
                if same_rate:
                    until = self.player.play(join_clips(clips))
                else:
                    for c in clips:
                        until = self.player.play(c)
            except Exception as exc:  # queueing cannot really fail, but the meeting comes first
                log.exception("could not queue cue")
                return CueResult(False, text, error=f"Afspelen mislukte ({exc}).", code="playback_failed")
        if rendered.error is not None:
            return CueResult(False, text, until, rendered.error.message, rendered.error.code)
        return CueResult(True, text, until)

    def chime(self, kind: str = "announce") -> CueResult:
        until = self.player.play(Clip(chime_samples(kind), CHIME_RATE))
        return CueResult(True, "", until)

    @property
    def speaking_until(self) -> float:
        return self.player.speaking_until

    def close(self) -> None:
        self.player.close()
        self.renderer.close()

    def _note_speech(self, error: Optional[VoiceError]) -> None:
        # Tell the engine once when speech goes down and once when it is back, not per cue.
        down = error is not None
        if down != self._speech_down and self.on_device_event is not None:
            event = DeviceEvent("speech_failed", error.message) if down else DeviceEvent("speech_restored")
            try:
                self.on_device_event(event)
            except Exception:
                log.exception("device event callback failed")
        self._speech_down = down
