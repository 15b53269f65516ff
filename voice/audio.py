"""Audio frames with their stream time, and a file source that yields them."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional, Union

SAMPLE_RATE = 16000
SAMPLE_WIDTH = 2  # int16
# 30 ms: a frame size webrtcvad accepts, and small enough for quick command decisions.
FRAME_SECONDS = 0.03
FRAME_SAMPLES = int(SAMPLE_RATE * FRAME_SECONDS)
FRAME_BYTES = FRAME_SAMPLES * SAMPLE_WIDTH


@dataclass(frozen=True)
class AudioFrame:
    """A block of 16 kHz mono int16 little-endian samples starting at `start` seconds of stream time."""

    pcm: bytes
    start: float

    @property
    def samples(self) -> int:
        return len(self.pcm) // SAMPLE_WIDTH

    @property
    def duration(self) -> float:
        return self.samples / SAMPLE_RATE

    @property
    def end(self) -> float:
        return self.start + self.duration


def frames_from_pcm(pcm: bytes, start: float = 0.0, frame_bytes: int = FRAME_BYTES) -> Iterator[AudioFrame]:
    """Cut raw 16 kHz mono int16 audio into frames; the last one is padded with silence."""
    yield from _framer(iter([pcm]), start, frame_bytes)


def _framer(chunks: Iterator[bytes], start: float, frame_bytes: int) -> Iterator[AudioFrame]:
    # Stream time comes from the sample count, not a wall clock, so a file replays
    # with exactly the timings it was recorded with.
    buffer = bytearray()
    samples_done = 0
    for chunk in chunks:
        buffer += chunk
        while len(buffer) >= frame_bytes:
            pcm = bytes(buffer[:frame_bytes])
            del buffer[:frame_bytes]
            yield AudioFrame(pcm, start + samples_done / SAMPLE_RATE)
            samples_done += frame_bytes // SAMPLE_WIDTH
    if buffer:
        if len(buffer) % 2:
            buffer.pop()
        pcm = bytes(buffer) + b"\0" * (frame_bytes - len(buffer))
        yield AudioFrame(pcm, start + samples_done / SAMPLE_RATE)


class FileSource:
    """Frames from an audio file (wav, mp3, ogg, opus, m4a, webm), in real time or as fast as possible.

    Decoding streams through ffmpeg (see voice.decode), so a long recording does not
    sit in memory. `realtime=True` paces frames to the wall clock, as a microphone would.
    """

    def __init__(
        self,
        path: Union[str, Path],
        *,
        realtime: bool = False,
        start: float = 0.0,
        frame_seconds: float = FRAME_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        from voice.decode import check_readable

        self.path = Path(path)
        check_readable(self.path)  # fail at construction, where the caller can show the message
        self.realtime = realtime
        self.start = start
        self.frame_bytes = int(SAMPLE_RATE * frame_seconds) * SAMPLE_WIDTH
        self._clock = clock
        self._sleep = sleep
        self._duration: Optional[float] = None

    @property
    def duration(self) -> Optional[float]:
        """Length in seconds if the file says so (for progress bars), else None."""
        if self._duration is None:
            from voice.decode import probe_duration

            self._duration = probe_duration(self.path)
        return self._duration

    def __iter__(self) -> Iterator[AudioFrame]:
        from voice.decode import decode_chunks

        frames = _framer(decode_chunks(self.path), self.start, self.frame_bytes)
        if not self.realtime:
            yield from frames
            return
        t0 = self._clock()
        for frame in frames:
            delay = t0 + (frame.end - self.start) - self._clock()
            if delay > 0:
                self._sleep(delay)
            yield frame


def read_pcm(path: Union[str, Path]) -> bytes:
    """The whole file as 16 kHz mono int16 bytes (for short files: tests, cues, benchmarks)."""
    from voice.decode import decode_chunks

    return b"".join(decode_chunks(Path(path)))


def write_wav(path: Union[str, Path], pcm: bytes, sample_rate: int = SAMPLE_RATE) -> Path:
    """Write mono int16 samples as a WAV file."""
    import wave

    path = Path(path)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(SAMPLE_WIDTH)
        out.setframerate(sample_rate)
        out.writeframes(pcm)
    return path
