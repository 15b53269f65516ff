"""Server-sent events over a real waitress server: first bytes, state, transcript, keep-alive, limits."""

from __future__ import annotations

import http.client
import json
import time
from urllib.parse import urlsplit

import pytest

from support import wait_until
from web_scenario import PEOPLE, say


class SSEClient:
    """A bare SSE reader on http.client, so the test sees exactly the bytes the server sends."""

    def __init__(self, base_url: str, path: str, timeout: float = 5.0):
        parts = urlsplit(base_url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        self.conn.request("GET", path, headers={"Accept": "text/event-stream"})
        self.response = self.conn.getresponse()

    def first_line(self) -> str:
        return self.response.readline().decode()

    def next_message(self) -> tuple[str, str]:
        """The next event or comment as (event name or ':', data)."""
        event, data = None, []
        while True:
            line = self.response.readline().decode()
            if line == "":
                raise EOFError
            line = line.rstrip("\n")
            if line == "":
                if event or data:
                    return event or "message", "\n".join(data)
                continue
            if line.startswith(":"):
                return ":", line[1:].strip()
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "event":
                event = value
            elif name == "data":
                data.append(value)

    def wait_for(self, event: str, predicate=lambda data: True, limit: int = 30):
        for _ in range(limit):
            name, data = self.next_message()
            if name == event and predicate(json.loads(data) if name != ":" else data):
                return json.loads(data) if name != ":" else data
        raise AssertionError(f"no {event} event")

    def collect(self, *events: str, limit: int = 30) -> dict:
        """The first message of each named event, in whatever order the service sends them."""
        found: dict = {}
        for _ in range(limit):
            name, data = self.next_message()
            if name in events and name not in found:
                found[name] = json.loads(data)
                if len(found) == len(events):
                    return found
        raise AssertionError(f"missing events: {set(events) - set(found)}")

    def close(self):
        # The response holds the socket too; both must go for the server to see the tab close.
        self.response.close()
        self.conn.close()


@pytest.fixture
def live_meeting(live_server):
    return live_server.service.create("progressiegerichte-intervisie", PEOPLE, "Anna")


def test_stream_starts_with_a_comment_then_the_full_state(live_server, live_meeting):
    client = SSEClient(live_server.url, f"/api/meetings/{live_meeting}/events")
    try:
        assert client.response.status == 200
        assert client.response.getheader("Content-Type").startswith("text/event-stream")
        assert client.response.getheader("Cache-Control") == "no-store"
        assert client.first_line().startswith(": verbonden")
        assert client.first_line() == "retry: 2000\n"
        state = client.wait_for("state")
        assert state["id"] == live_meeting and state["status"] == "ready"
    finally:
        client.close()


def test_commands_transcript_and_outcomes_arrive_as_events(live_server, live_meeting):
    service, clock = live_server.service, live_server.clock
    client = SSEClient(live_server.url, f"/api/meetings/{live_meeting}/events")
    try:
        client.wait_for("state")
        service.command(live_meeting, "start")
        got = client.collect("state", "say")
        assert got["state"]["status"] == "running" and got["state"]["step"]["index"] == 0
        assert got["say"]["text"].startswith("Welkom")
        service.command(live_meeting, "next_step")
        clock.advance(20)
        say(service, clock, live_meeting, "Wat heb je al geprobeerd", 3)
        got = client.collect("transcript", "outcome")
        line = got["transcript"]
        assert line["text"] == "Wat heb je al geprobeerd" and line["speaker"] == "Bram" and line["type"] == "vraag"
        assert got["outcome"]["kind"] == "vraag" and got["outcome"]["line"]["id"] == line["id"]
        # Its time from Start is the one the transcript (and so the verslag) holds: one time per line.
        stored = service.transcript(live_meeting)[-1]
        assert line["since_start"] == stored["since_start"] == got["outcome"]["line"]["since_start"] >= 20
        service.command(live_meeting, "start")
        refused = client.wait_for("rejected")
        assert refused == {"command": "start", "reason": "De bijeenkomst is al begonnen."}
    finally:
        client.close()


def test_keep_alive_comments_when_nothing_happens(live_server, live_meeting):
    client = SSEClient(live_server.url, f"/api/meetings/{live_meeting}/events")
    try:
        client.wait_for("state")
        started = time.monotonic()
        assert client.wait_for(":", lambda text: text == "keep-alive") == "keep-alive"
        assert time.monotonic() - started < 2  # SSE_KEEPALIVE_SECONDS is 0.5 in the fixture
    finally:
        client.close()


def test_deleting_the_meeting_ends_the_stream(live_server, live_meeting):
    client = SSEClient(live_server.url, f"/api/meetings/{live_meeting}/events")
    try:
        client.wait_for("state")
        live_server.service.delete(live_meeting)
        assert client.wait_for("deleted")["id"] == live_meeting
        with pytest.raises(EOFError):
            for _ in range(10):
                client.next_message()
    finally:
        client.close()


def test_a_second_viewer_never_changes_the_timer(live_server, live_meeting):
    service = live_server.service
    service.command(live_meeting, "start")
    live_server.clock.advance(30)
    before = service.view(live_meeting)["step"]["elapsed_seconds"]
    clients = [SSEClient(live_server.url, f"/api/meetings/{live_meeting}/events") for _ in range(2)]
    try:
        states = [c.wait_for("state") for c in clients]
        assert all(s["step"]["elapsed_seconds"] >= before for s in states)
        assert service.view(live_meeting)["step"]["elapsed_seconds"] < before + 5
        assert service.view(live_meeting)["status"] == "running"
    finally:
        for c in clients:
            c.close()


def test_too_many_streams_get_a_503_and_closed_streams_free_their_slot(live_server, live_meeting):
    state = live_server.app.extensions["facilitator"]
    limit = state.max_streams
    clients = [SSEClient(live_server.url, f"/api/meetings/{live_meeting}/events") for _ in range(limit)]
    try:
        for c in clients:
            c.wait_for("state")
        extra = SSEClient(live_server.url, f"/api/meetings/{live_meeting}/events")
        assert extra.response.status == 503
        assert "te veel schermen" in json.loads(extra.response.read())["error"]
        extra.close()
        # Pages and commands still get a thread while every stream is open.
        conn = http.client.HTTPConnection("127.0.0.1", urlsplit(live_server.url).port, timeout=5)
        conn.request("GET", "/bijeenkomsten")
        assert conn.getresponse().status == 200
        conn.close()
    finally:
        for c in clients:
            c.close()
    wait_until(lambda: state.streams == 0)  # noticed at the next keep-alive


def test_unknown_meeting_stream_is_a_404(live_server):
    client = SSEClient(live_server.url, "/api/meetings/0123456789ab/events")
    assert client.response.status == 404
    client.close()


def test_a_spoken_hoeveel_tijd_nog_reaches_every_screen(live_server, live_meeting):
    """The answer to "hoeveel tijd nog" is only said, nothing else changes: still every open screen
    gets it (a say message and the state's last_say), and a page opened later shows it too."""
    from facilitator.events import Command

    service, clock = live_server.service, live_server.clock
    service.command(live_meeting, "start")
    screens = [SSEClient(live_server.url, f"/api/meetings/{live_meeting}/events") for _ in range(2)]
    try:
        for screen in screens:
            screen.wait_for("state")
        clock.advance(65)
        service.feed(live_meeting, Command("remaining", source="voice"))  # as the voice room hands it on
        answer = service.view(live_meeting)["last_say"]
        assert answer.startswith("Nog ") and answer.endswith("minuten.")
        for screen in screens:
            got = screen.collect("say", "state")
            assert got["say"]["text"] == answer and got["state"]["last_say"] == answer
    finally:
        for screen in screens:
            screen.close()
    conn = http.client.HTTPConnection(urlsplit(live_server.url).hostname, urlsplit(live_server.url).port, timeout=5)
    conn.request("GET", f"/bijeenkomsten/{live_meeting}")
    page = conn.getresponse().read().decode()
    conn.close()
    assert f'id="say" >{answer}<' in page or f'id="say">{answer}<' in page
