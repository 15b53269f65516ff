"""Voice activity: who is talking when, as SpeechActivity start/end events with a hangover."""

from __future__ import annotations

import math
from collections import deque
from typing import Optional, Protocol

import numpy as np

from facilitator.events import SpeechActivity
from voice.audio import SAMPLE_RATE, AudioFrame


class Detector(Protocol):
    def is_speech(self, pcm: bytes) -> bool: ...


class WebRtcDetector:
    """Google's WebRTC VAD (package webrtcvad / webrtcvad-wheels): robust to steady noise."""

    def __init__(self, aggressiveness: int = 2):
        import webrtcvad

        self._vad = webrtcvad.Vad(aggressiveness)

    def is_speech(self, pcm: bytes) -> bool:
        # webrtcvad takes 10, 20 or 30 ms; our frames are 30 ms, odd sizes are cut to 10 ms pieces.
        n = len(pcm) // 2
        if n in (160, 320, 480):
            return self._vad.is_speech(pcm, SAMPLE_RATE)
        pieces = [pcm[i:i + 320] for i in range(0, len(pcm) - 319, 320)]
        return any(self._vad.is_speech(p, SAMPLE_RATE) for p in pieces)


class EnergyDetector:
    """Loudness above an adaptive noise floor; the fallback when webrtcvad is not installed."""

    def __init__(self, margin_db: float = 10.0, min_dbfs: float = -50.0, adapt: float = 0.02):
        self.margin_db = margin_db
        self.min_dbfs = min_dbfs
        self.adapt = adapt
        self.floor: Optional[float] = None

    def is_speech(self, pcm: bytes) -> bool:
        samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32)
        rms = math.sqrt(float(np.mean(samples * samples))) if samples.size else 0.0
        level = 20 * math.log10(max(rms, 1.0) / 32768.0)
        if self.floor is None:
            self.floor = level
        speech = level > self.floor + self.margin_db and level > self.min_dbfs
        if level < self.floor:
            self.floor = level  # follow a quieter room at once
        elif not speech:
            self.floor += (level - self.floor) * self.adapt  # creep up with steady noise (a fan)
        return speech


class RoomDetector:
    """WebRTC's verdict, but only for frames clearly louder than the room's noise floor.

    WebRTC alone calls a faint steady noise floor (a fan, about -60 dBFS) speech in the pauses
    after a sentence, so a segment never closes and a command said a second later is glued to
    the sentence. The energy check alone calls a door or a cough speech; together they hold.
    """

    def __init__(self, margin_db: float = 9.0):
        self.webrtc = WebRtcDetector()
        self.energy = EnergyDetector(margin_db=margin_db, min_dbfs=-62.0)

    def is_speech(self, pcm: bytes) -> bool:
        loud = self.energy.is_speech(pcm)  # always, so the floor keeps learning
        return loud and self.webrtc.is_speech(pcm)


def make_detector(kind: str = "auto") -> Detector:
    if kind in ("auto", "room"):
        try:
            return RoomDetector()
        except ImportError:
            if kind == "room":
                raise
    if kind == "webrtc":
        return WebRtcDetector()
    return EnergyDetector()


class VoiceActivity:
    """Turns per-frame speech/no-speech into start and end events.

    A start needs `onset_frames` voiced frames among the last `window` (a cough or a
    click is not a speaker); an end comes after `hangover` seconds without voice, so
    the pauses between words do not split one turn into many.
    """

    def __init__(self, detector: Optional[Detector] = None, *, onset_frames: int = 3, window: int = 5,
                 hangover: float = 0.3, warmup: float = 0.3):
        self.detector = detector or make_detector()
        # Both detectors learn the room's noise from the first frames; until then they over-report.
        self.warmup = warmup
        self._first: Optional[float] = None
        self.onset_frames = onset_frames
        self.hangover = hangover
        self._recent: deque[tuple[bool, float]] = deque(maxlen=window)
        self.speaking = False
        self.segment_start: Optional[float] = None
        self.last_voiced_end: Optional[float] = None

    def process(self, frame: AudioFrame) -> list[SpeechActivity]:
        voiced = self.detector.is_speech(frame.pcm)
        if self._first is None:
            self._first = frame.start
        if frame.end - self._first <= self.warmup:
            voiced = False
        self._recent.append((voiced, frame.start))
        events: list[SpeechActivity] = []
        if voiced:
            self.last_voiced_end = frame.end
        if not self.speaking:
            hits = [start for v, start in self._recent if v]
            if len(hits) >= self.onset_frames:
                self.speaking = True
                self.segment_start = hits[0]
                self.last_voiced_end = frame.end
                events.append(SpeechActivity(True, hits[0]))
        elif self.last_voiced_end is not None and frame.end - self.last_voiced_end >= self.hangover:
            events.extend(self.flush())
        return events

    def flush(self) -> list[SpeechActivity]:
        """End a running segment now (stream end, or the gate closing for a cue)."""
        self._recent.clear()
        if not self.speaking:
            return []
        self.speaking = False
        end = self.last_voiced_end if self.last_voiced_end is not None else self.segment_start
        assert self.segment_start is not None and end is not None
        return [SpeechActivity(False, end)]
