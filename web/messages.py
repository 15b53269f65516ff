"""What a screen is sent: the service's updates shaped as SSE messages (kind, JSON data).

One update is one change of a meeting: its facts in order, then the whole view when the
change shows in it. Partials travel as a small `partial` message, never as a whole view.
"""

from __future__ import annotations

from typing import Any, Iterator

from facilitator.engine.view import line_since_start
from facilitator.events import Heard, LineAdded, LineChanged, LineRemoved, OutcomeNoted, Rejected, Say
from facilitator.publisher import Update


def messages(update: Update) -> Iterator[tuple[str, Any]]:
    for effect in update.effects:
        if isinstance(effect, (LineAdded, LineChanged)):
            yield "transcript", line_since_start(update.method, effect.line, update.started_at)
        elif isinstance(effect, LineRemoved):
            yield "removed", {"id": effect.line_id}
        elif isinstance(effect, Heard):
            yield "partial", {"partial": True, "text": effect.text, "speaker": effect.speaker}
        elif isinstance(effect, OutcomeNoted) and effect.kind != "checklist":
            yield "outcome", _outcome(update, effect)
        elif isinstance(effect, Say):
            yield "say", {"text": effect.text, "kind": effect.kind}
        elif isinstance(effect, Rejected):
            yield "rejected", {"command": effect.command, "reason": effect.reason}
    if update.view is not None:
        yield "state", update.view
    if update.deleted:
        yield "deleted", {"id": update.meeting_id}


def _outcome(update: Update, noted: OutcomeNoted) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": noted.kind}
    if noted.text is not None:
        data["text"] = noted.text
    if noted.line is not None:
        data["line"] = line_since_start(update.method, noted.line, update.started_at)
    return data
