"""Half-duplex gate: recognition input is shut while a cue plays and a short tail after."""

from __future__ import annotations

import threading


class Gate:
    """Closed over [start, end + tail] for every cue; the Listener asks it per frame.

    Times are the meeting clock: the player closes the gate with its clock, and the
    microphone stamps frames with the same clock, so the two line up. `tail` covers
    room echo and the output latency of the sound card.
    """

    def __init__(self, tail: float = 0.3):
        self.tail = tail
        self._spans: list[tuple[float, float]] = []
        self._lock = threading.Lock()  # the player closes it from its own thread

    def close(self, start: float, end: float) -> None:
        with self._lock:
            self._spans.append((start, end + self.tail))

    def is_open(self, start: float, end: float) -> bool:
        """Is the audio between start and end free of any cue (and its tail)?"""
        with self._lock:
            # Frames arrive in order, so spans that ended before this frame are done with.
            self._spans = [s for s in self._spans if s[1] > start]
            return not any(s[0] < end and s[1] > start for s in self._spans)
