"""Hands what the listener heard to the meeting on a thread of its own.

Recognition must never wait for the meeting: feeding an event takes the service's lock and may
sync the meeting log to disk, which on a busy laptop can take a long while, and meanwhile the
microphone's blocks pile up unrecognised. The listener only puts here; this thread feeds, in
order. A partial (screen text only) that a newer partial already follows is skipped: when the
meeting falls behind, the screen gets the latest words, not a backlog of stale ones.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from typing import Any, Callable

from facilitator.events import Utterance

log = logging.getLogger(__name__)


def _partial(event: Any) -> bool:
    return isinstance(event, Utterance) and not event.final


class Feeder:
    def __init__(self, feed: Callable[[Any, str], None], name: str = "voice-feeder"):
        self._feed = feed
        self._pending: deque[tuple[Any, str]] = deque()
        self._ready = threading.Condition()
        self._closed = False
        self.skipped_partials = 0
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def put(self, event: Any, meeting_id: str) -> None:
        with self._ready:
            self._pending.append((event, meeting_id))
            self._ready.notify()

    def _run(self) -> None:
        while True:
            with self._ready:
                while not self._pending and not self._closed:
                    self._ready.wait()
                if not self._pending:
                    return  # closed, and everything heard has been fed
                event, meeting_id = self._pending.popleft()
                if _partial(event) and self._pending and _partial(self._pending[0][0]):
                    self.skipped_partials += 1
                    continue
            try:
                self._feed(event, meeting_id)
            except Exception:  # one event must never stop what follows
                log.exception("feeding a heard event failed")

    def close(self, timeout: float = 5.0) -> None:
        """Feed what is still waiting (nothing said is lost), then end."""
        with self._ready:
            self._closed = True
            self._ready.notify()
        self._thread.join(timeout=timeout)
