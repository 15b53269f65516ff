"""Telling screens and adapters what happened: one update per change, the view built once.

The engine returns facts. For each batch of facts the publisher builds the screen view
once (only when a fact changes what a view shows), hands every fact to the adapters
(speech, the terminal), and puts one `Update` on each screen's queue. How an update
becomes SSE messages is the web's business (web/messages.py).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Callable, Optional

from methods import Method
from facilitator.events import Effect, Say, changes_view


@dataclass(frozen=True)
class Update:
    """One change of one meeting, for screens: its facts in order and, when it shows, the view after."""

    meeting_id: str
    method: Method                 # to shape lines (their step titles)
    effects: tuple[Effect, ...] = ()
    view: Optional[dict[str, Any]] = None
    deleted: bool = False
    started_at: Optional[float] = None  # the meeting's Start, so lines carry their time from it


_CHANGES = itertools.count(1)


class Audience:
    """One meeting's screens and the last cue they were shown (a screen echo the engine does not keep)."""

    def __init__(self) -> None:
        self.subscribers: list = []  # facilitator.subscription.Subscription
        self.last_say: Optional[str] = None
        self.seq = 0  # the number of the meeting's last change: the view's "seq"

    def publish(self, meeting_id: str, method: Method, effects: list[Effect],
                build_view: Callable[[], dict[str, Any]], listeners: list[Callable[[str, Effect], None]],
                force_view: bool = False, started_at: Optional[float] = None) -> Optional[dict[str, Any]]:
        """Hand the facts on; return the view when one was built (at most one per call)."""
        for effect in effects:
            if isinstance(effect, Say):
                self.last_say = effect.text
        # Built only for screens that are open (a command's answer builds its own when none is).
        shows = force_view or any(changes_view(e) for e in effects)
        if effects or force_view:
            # Numbered across meetings: a screen tells a command's late answer from the stream's newer state.
            self.seq = next(_CHANGES)
        view = build_view() if shows and self.subscribers else None
        if self.subscribers and (effects or view is not None):
            update = Update(meeting_id, method, tuple(effects), view, started_at=started_at)
            for sub in list(self.subscribers):
                sub.put(update)
        for effect in effects:
            for listener in listeners:
                try:
                    listener(meeting_id, effect)
                except Exception:  # a broken listener must never stop a meeting
                    pass
        return view

    def deleted(self, meeting_id: str, method: Method) -> None:
        for sub in list(self.subscribers):
            sub.put(Update(meeting_id, method, deleted=True))
