"""A viewer's queue of a meeting's updates (facilitator.publisher.Update), for a screen's event stream."""

from __future__ import annotations

import queue
from typing import Any, Optional


class Subscription:
    """A viewer's queue of updates; a slow viewer loses old updates, never blocks the meeting."""

    def __init__(self, service, meeting_id: str, maxsize: int = 500):
        self._service = service
        self.meeting_id = meeting_id
        self._queue: "queue.Queue[Any]" = queue.Queue(maxsize=maxsize)
        self.dropped = 0

    def put(self, message: Any) -> None:
        while True:
            try:
                self._queue.put_nowait(message)
                return
            except queue.Full:
                try:
                    self._queue.get_nowait()
                    self.dropped += 1
                except queue.Empty:
                    pass

    def get(self, timeout: Optional[float] = None) -> Optional[Any]:
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def close(self) -> None:
        self._service._unsubscribe(self)
