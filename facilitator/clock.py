"""The meeting clock and the one loop that drives time: live from a thread, in a replay from the stream."""

from __future__ import annotations

import logging
import threading
from typing import Optional

log = logging.getLogger(__name__)

TICK_SECONDS = 0.25


class StreamClock:
    """The meeting clock of a replay: the recording's own stream time."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


class Ticker:
    """Calls service.tick(): time warnings, step ends, heartbeats. The only caller of tick in a room.

    Live, `start()` runs it on its own thread about four times a second. In a replay there is
    no thread: the stream is the clock, and `advance(t)` moves a StreamClock and ticks.
    """

    def __init__(self, service, interval: float = TICK_SECONDS, stream: Optional[StreamClock] = None):
        self.service = service
        self.interval = interval
        self.stream = stream
        self.ticks = 0
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def tick(self) -> None:
        try:
            self.service.tick()
            self.ticks += 1
        except Exception as exc:  # a failing tick must not stop the clock for good
            log.error("tick mislukt: %s", type(exc).__name__)

    def advance(self, t: float) -> None:
        """A replay's stream reached `t`: move the clock there (never back) and tick."""
        assert self.stream is not None, "advance() drives a stream clock"
        self.stream.t = max(self.stream.t, t)
        self.tick()

    def start(self) -> "Ticker":
        if self.stream is None and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="facilitator-ticker", daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.tick()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)
