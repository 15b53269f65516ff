"""A realistic progressiegerichte intervisie driven through the real service, for tests and screenshots."""

from __future__ import annotations

import threading
import time

from facilitator.events import SpeechActivity, Utterance

PEOPLE = ["Anna", "Bram", "Carla", "Dirk", "Eva"]
METHOD = "progressiegerichte-intervisie"


class OffsetClock:
    """Real monotonic time that a test can also jump forward: real ticking, no waiting."""

    def __init__(self):
        self.offset = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return time.monotonic() + self.offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.offset += seconds


def say(service, clock: OffsetClock, meeting_id: str, text: str, seconds: float = 4.0, uid: str | None = None):
    """Someone speaks for `seconds`: voice activity, then the recogniser's final result."""
    start = service.now(meeting_id)
    service.feed(meeting_id, SpeechActivity(True, start))
    clock.advance(seconds)
    end = service.now(meeting_id)
    service.feed(meeting_id, SpeechActivity(False, end))
    return service.feed(meeting_id, Utterance(text, start, end, id=uid))


def run_intervisie(service, clock: OffsetClock, *, finish: bool = True) -> str:
    """Presenteren, verhelderen (questions), waarderen, adviseren (tips), afsluiten."""
    mid = service.create(METHOD, PEOPLE, "Anna", hulpvraag="Hoe krijg ik mijn team mee in de nieuwe werkwijze?")
    service.command(mid, "start")
    clock.advance(20)
    say(service, clock, mid, "Sinds januari werken we met een nieuwe planning en het team haakt af", 30)
    clock.advance(60)
    service.command(mid, "next_step")                      # verhelderen: a round of questions
    questions = ["Wat heb je zelf al geprobeerd", "Wie in het team is wel enthousiast",
                 "Wanneer ging het wel goed", "Wat zou je team zeggen als ik het vroeg"]
    for text in questions:
        clock.advance(3)
        say(service, clock, mid, text, 6)
        clock.advance(2)
        service.command(mid, "next_turn")
    service.command(mid, "next_step")                      # waarderen: compliments
    for text in ["Ik vind het sterk dat je dit zo open inbrengt", "Mooi hoe je het team serieus neemt"]:
        say(service, clock, mid, text, 5)
        service.command(mid, "next_turn")
    service.command(mid, "pass")
    service.command(mid, "pass")
    service.command(mid, "next_step")                      # adviseren: tips
    for text in ["Begin met een kleine pilot met de enthousiastelingen", "Vraag het team zelf om een voorstel",
                 "Plan na twee weken een evaluatie"]:
        say(service, clock, mid, text, 6)
        service.command(mid, "next_turn")
    if finish:
        service.command(mid, "next_step")
        service.command(mid, "set_outcome", kind="nuttig", text="De vragen over wat al wel werkt")
        service.command(mid, "set_outcome", kind="volgende_stap", text="Maandag een pilot voorstellen aan twee collega's")
        service.command(mid, "finish")
    return mid


# Shared by the web tests (imported by name: "from conftest import" is ambiguous across folders).
LAN = {"REMOTE_ADDR": "192.168.1.20"}


def csrf_token(client, path: str = "/", **kwargs) -> str:
    import re

    response = client.get(path, **kwargs)
    match = re.search(r'name="csrf-token" content="([^"]+)"', response.get_data(as_text=True))
    assert match, f"no CSRF token on {path} ({response.status_code})"
    return match.group(1)


def api_headers(app) -> dict[str, str]:
    return {"Authorization": f"Bearer {app.config['API_TOKEN']}"}
