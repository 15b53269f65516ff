"""Play cues (chime + speech) one after another, and shut the recognition gate meanwhile."""

from __future__ import annotations

import logging
import queue
import threading
import time
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Protocol, Union

import numpy as np

from voice.errors import VoiceError
from voice.gate import Gate

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Clip:
    samples: np.ndarray  # mono int16
    rate: int

    @property
    def duration(self) -> float:
        return len(self.samples) / float(self.rate)

    @classmethod
    def from_wav(cls, path: Union[str, Path]) -> "Clip":
        with wave.open(str(path), "rb") as w:
            data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
            if w.getnchannels() > 1:
                data = data.reshape(-1, w.getnchannels()).mean(axis=1).astype(np.int16)
            return cls(data, w.getframerate())


def join_clips(clips: list[Clip]) -> Clip:
    """One clip from several at the same rate, so chime and speech play without a gap."""
    rate = clips[0].rate
    if any(c.rate != rate for c in clips):
        raise ValueError("clips must share a sample rate")
    return Clip(np.concatenate([c.samples for c in clips]), rate)


class Sink(Protocol):
    latency: float

    def play(self, clip: Clip, at: float) -> None:
        """Play `clip` (blocking until done); `at` is the player-clock time it starts."""


class SoundDeviceSink:
    """The sound card, through PortAudio (imported only when first used)."""

    def __init__(self, device: Union[int, str, None] = None):
        self.device = device
        self.latency = 0.1  # refined once a stream is open

    def play(self, clip: Clip, at: float) -> None:
        from voice.mic import import_sounddevice

        sd = import_sounddevice()
        try:
            with sd.OutputStream(samplerate=clip.rate, channels=1, dtype="int16", device=self.device) as stream:
                self.latency = float(stream.latency)
                stream.write(clip.samples.reshape(-1, 1))
        except sd.PortAudioError as exc:
            raise VoiceError("playback_failed", f"De luidspreker speelt niet af ({exc}); "
                             "controleer de uitgang met `facilitator devices`.") from exc


class NullSink:
    """No sound: for replays and headless runs, where only the gate timing matters."""

    latency = 0.0

    def play(self, clip: Clip, at: float) -> None:
        pass


class RecordingSink:
    """Keeps what would have been played, with its start time (benchmarks: feed it back to a mic)."""

    latency = 0.0

    def __init__(self) -> None:
        self.played: list[tuple[float, Clip]] = []
        self._lock = threading.Lock()

    def play(self, clip: Clip, at: float) -> None:
        with self._lock:
            self.played.append((at, clip))


class Player:
    """Plays clips in order on its own thread; exposes `speaking_until` for half-duplex.

    The gate is closed as soon as a clip is queued (for when it will play) and again
    when it really starts, so recognition never hears a cue even if playback runs late.
    """

    def __init__(self, *, sink: Optional[Sink] = None, gate: Optional[Gate] = None,
                 clock: Callable[[], float] = time.monotonic):
        self.sink: Sink = sink if sink is not None else SoundDeviceSink()
        self.gate = gate
        self.clock = clock
        self._speaking_until = float("-inf")
        self._lock = threading.Lock()
        self._queue: queue.Queue = queue.Queue()
        self.failures: list[VoiceError] = []
        self._thread = threading.Thread(target=self._run, name="cue-player", daemon=True)
        self._thread.start()

    @property
    def speaking_until(self) -> float:
        """Player-clock time until which a cue is (or will be) sounding."""
        with self._lock:
            return self._speaking_until

    def play(self, clip: Clip, on_done: Optional[Callable[[Optional[VoiceError]], None]] = None) -> float:
        """Queue a clip; returns the clock time it is expected to end."""
        with self._lock:
            start = max(self.clock(), self._speaking_until)
            end = start + clip.duration + self.sink.latency
            self._speaking_until = end
        if self.gate is not None:
            self.gate.close(start, end)
        self._queue.put((clip, on_done))
        return end

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=5.0)

    def _run(self) -> None:
        last_end = float("-inf")
        while True:
            item = self._queue.get()
            if item is None:
                return
            clip, on_done = item
            # A sink that does not block (recording, null) still plays cues one after another.
            start = max(self.clock(), last_end)
            end = start + clip.duration + self.sink.latency
            if self.gate is not None:
                self.gate.close(start, end)
            with self._lock:
                self._speaking_until = max(self._speaking_until, end)
            last_end = start + clip.duration
            error: Optional[VoiceError] = None
            try:
                self.sink.play(clip, start)
            except VoiceError as err:
                error = err
            except Exception as exc:  # a broken sound card must not stop the meeting
                error = VoiceError("playback_failed", f"Afspelen mislukte ({exc}); de tekst staat op het scherm.")
            if error is not None:
                log.warning("playback failed: %s", error)
                self.failures.append(error)
            if on_done is not None:
                try:
                    on_done(error)
                except Exception:
                    log.exception("cue callback failed")
