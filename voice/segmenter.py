"""Speech segments on voice activity: what a recognizer is fed, and the audio of each finished segment.

Recognizers hear only speech, with a little padding: the frames just before voice activity
began (a word's soft onset) and the hangover after it. Quiet stretches cost nothing, and a
segment ends when voice activity ends, not when the recognizer's own endpointing decides
(Vosk takes seconds to close an utterance in steady noise, gluing a command to the sentence
before it).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Optional

from facilitator.events import SpeechActivity
from voice.audio import AudioFrame
from voice.vad import VoiceActivity

PRE_ROLL = 0.3          # seconds of audio before the detected start that the recognizer also gets
MAX_SEGMENT = 25.0      # Whisper reads at most 30 s at once: a longer monologue is cut in pieces


@dataclass
class Segment:
    """One stretch of speech: [start, end] as voice activity heard it, and its padded audio."""

    start: float
    end: Optional[float] = None          # None while it runs
    audio_start: float = 0.0             # stream time of the first sample in `pcm`
    pcm: bytearray = field(default_factory=bytearray)
    cut: bool = False                    # a cue cut into it: what is left may look like a command
    piece: bool = False                  # a MAX_SEGMENT piece of a longer segment (not its end)

    @property
    def length(self) -> float:
        return (self.end if self.end is not None else self.start) - self.start


@dataclass
class Step:
    activities: list[SpeechActivity] = field(default_factory=list)
    feed: list[AudioFrame] = field(default_factory=list)      # frames for the recognizers, in order
    closed: list[Segment] = field(default_factory=list)       # segments (or pieces) that ended


class Segmenter:
    def __init__(self, vad: Optional[VoiceActivity] = None, *, pre_roll: float = PRE_ROLL,
                 max_segment: float = MAX_SEGMENT):
        self.vad = vad or VoiceActivity()
        self.pre_roll = pre_roll
        self.max_segment = max_segment
        self._ring: deque[AudioFrame] = deque()
        self.current: Optional[Segment] = None
        self.stats = {"fed_seconds": 0.0}

    def process(self, frame: AudioFrame) -> Step:
        step = Step(self.vad.process(frame))
        for act in step.activities:
            if act.speaking:
                self.current = Segment(act.at)
                pre = [f for f in self._ring if f.end > act.at - self.pre_roll]
                self.current.audio_start = pre[0].start if pre else frame.start
                for f in pre:
                    self._add(f, step)
        if self.current is not None:
            self._add(frame, step)
            for act in step.activities:
                if not act.speaking:
                    step.closed.append(self._close(act.at))
            if self.current is not None and frame.end - self.current.audio_start >= self.max_segment:
                piece = self._close(frame.end, piece=True)
                step.closed.append(piece)
                self.current = Segment(frame.end, audio_start=frame.end)
        self._ring.append(frame)
        while self._ring and self._ring[0].end < frame.end - self.pre_roll - 0.1:
            self._ring.popleft()
        return step

    def flush(self, cut: bool = False) -> Step:
        """End a running segment now (a cue starts, the stream ends, the microphone went)."""
        step = Step(self.vad.flush())
        if self.current is not None:
            if cut:
                self.current.cut = True
            end = step.activities[-1].at if step.activities else self.vad.last_voiced_end or self.current.start
            step.closed.append(self._close(max(end, self.current.start)))
        self._ring.clear()
        return step

    def mark_cut(self) -> None:
        if self.current is not None:
            self.current.cut = True

    def _add(self, frame: AudioFrame, step: Step) -> None:
        assert self.current is not None
        self.current.pcm += frame.pcm
        step.feed.append(frame)
        self.stats["fed_seconds"] += frame.duration

    def _close(self, end: float, piece: bool = False) -> Segment:
        seg = self.current
        assert seg is not None
        seg.end = end
        seg.piece = piece
        self.current = None
        return seg
