"""Server-sent events: one stream per open screen with the meeting's state, transcript and outcomes."""

from __future__ import annotations

import json
from typing import Any, Iterator

from flask import Blueprint, Response, current_app, g

from web import meetings as m
from web.messages import messages
from web import state
from web.errors import fail

bp = Blueprint("sse", __name__, url_prefix="/api")

RETRY_MS = 2000
POLL_SECONDS = 1.0  # how often a quiet stream checks whether the server is stopping


def encode(kind: str, data: Any) -> str:
    """One SSE message; json.dumps never emits a raw newline, so one data line suffices."""
    return f"event: {kind}\ndata: {json.dumps(data, ensure_ascii=False, separators=(',', ':'))}\n\n"


class EventStream:
    """The response body; close() frees the stream slot even if the body was never read."""

    def __init__(self, body: Iterator[str], on_close):
        self._body = body
        self._on_close = on_close
        self._closed = False

    def __iter__(self):
        return self

    def __next__(self) -> str:
        return next(self._body)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            try:
                self._body.close()
            finally:
                self._on_close()


def stream(service, meeting_id: str, keepalive: float, stopping) -> Iterator[str]:
    """The body of one stream; it runs outside the request context, so it gets what it needs."""
    try:
        subscription = service.subscribe(meeting_id)
    except m.UnknownMeeting:  # deleted between the check and the first read
        return
    try:
        # A comment at once: proxies and the browser see the stream is alive.
        yield f": verbonden\nretry: {RETRY_MS}\n\n"
        # The subscription starts with the full state, so a reconnect never misses a change.
        poll = min(POLL_SECONDS, keepalive)
        quiet = 0.0
        while not stopping.is_set():
            update = subscription.get(timeout=poll)
            if update is None:
                quiet += poll
                if quiet >= keepalive:
                    # Also how a closed tab is noticed: writing to it fails and ends the stream.
                    quiet = 0.0
                    yield ": keep-alive\n\n"
                continue
            quiet = 0.0
            for kind, data in messages(update):
                yield encode(kind, data)
            if update.deleted:
                return
    finally:
        subscription.close()


@bp.get("/meetings/<meeting_id>/events")
def events(meeting_id: str):
    m.view(meeting_id)  # a Dutch 404 for an unknown meeting, before the stream starts
    web_state = state()
    access = g.access
    client = f"device:{access.device.id}" if access.device is not None else access.kind or "?"
    if not web_state.open_stream(client, host=access.is_host):
        fail(503, "Er zijn te veel schermen verbonden. Sluit een tabblad en probeer het opnieuw.")
    keepalive = float(current_app.config["SSE_KEEPALIVE_SECONDS"])
    body = EventStream(stream(web_state.service, meeting_id, keepalive, web_state.stopping),
                       lambda: web_state.close_stream(client))
    return Response(body, mimetype="text/event-stream", headers={
        "Cache-Control": "no-store",
        "X-Accel-Buffering": "no",
    })
