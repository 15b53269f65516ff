"""What the meeting log keeps, through the real service on a real SQLite file, and what screens get.

Partials are shown, never stored; words in a step without transcript reach neither the
store nor a screen; the same device failure reported again is stored once; a change builds
the screen view once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import facilitator.service as service_module
from facilitator.events import DeviceEvent, SpeechActivity, Utterance
from facilitator.service import MeetingService
from web.messages import messages

PEOPLE = ["Anna", "Ben", "Carla", "Dirk", "Eva"]
SECRET = "kwetsbaarheidsgeheim"   # a word that must never be on disk


def _db_bytes(service: MeetingService) -> bytes:
    service.store.close()
    base = Path(service.store.path)
    return b"".join(p.read_bytes() for p in base.parent.glob(base.name + "*"))


def _drain(sub) -> list[tuple[str, object]]:
    out = []
    while (update := sub.get(timeout=0)) is not None:
        out += list(messages(update))
    return out


def _utterances(service, mid):
    return [e.event for e in service.store.events(mid) if isinstance(e.event, Utterance)]


def test_partials_are_sent_small_and_never_stored(tmp_path, lib, clock):
    service = MeetingService(tmp_path, lib, clock=clock)
    mid = service.create("case-clinic", PEOPLE, "Anna")
    service.command(mid, "start")
    service.command(mid, "next_step")  # the intentie: Anna talks, words are kept
    sub = service.subscribe(mid)
    _drain(sub)
    rows = len(service.store.events(mid))
    for i, words in enumerate(["het", "het gaat", "het gaat over", "het gaat over mijn team"]):
        clock.advance(0.25)
        service.feed(mid, Utterance(words, 1.0, 1.0 + i * 0.25, final=False))
    assert len(service.store.events(mid)) == rows  # 0 stored rows per partial
    sent = _drain(sub)
    assert [kind for kind, _ in sent] == ["partial"] * 4  # no whole state per partial
    assert sent[-1][1] == {"partial": True, "text": "het gaat over mijn team", "speaker": "Anna"}
    clock.advance(1)
    service.feed(mid, Utterance("het gaat over mijn team", clock.t - 2, clock.t - 0.5, id="f1"))
    assert [u.id for u in _utterances(service, mid)] == ["f1"]  # the final is kept
    assert [kind for kind, _ in _drain(sub)] == ["transcript"]


def test_no_word_of_a_step_without_transcript_reaches_the_store_or_a_screen(tmp_path, lib, clock):
    service = MeetingService(tmp_path, lib, clock=clock)
    # Its first step ("Start") has transcribe = false, though people talk in it.
    mid = service.create("progressiegerichte-bijeenkomst", PEOPLE, "Anna")
    service.command(mid, "start")
    assert not service.state(mid).step.transcribe and not service.state(mid).step.silence
    sub = service.subscribe(mid)
    _drain(sub)
    clock.advance(2)
    service.feed(mid, SpeechActivity(True, clock.t))
    for i in range(3):
        clock.advance(0.25)
        service.feed(mid, Utterance(f"dit is mijn {SECRET}", clock.t - 1, clock.t, final=False))
    clock.advance(1)
    service.feed(mid, Utterance(f"dit is mijn {SECRET} echt", clock.t - 3, clock.t - 0.5, id="private-1"))
    service.feed(mid, SpeechActivity(False, clock.t))
    sent = _drain(sub)
    assert not any(SECRET in repr(data) for _, data in sent), sent
    assert _utterances(service, mid) == []
    assert service.view(mid)["speaking"]  # the talk still counts as speaking time
    # Words in the next (transcribed) step are kept: the log works, it just kept nothing private.
    service.command(mid, "next_step")
    clock.advance(5)
    service.feed(mid, Utterance("wat ging er goed", clock.t - 3, clock.t - 1, id="open-1"))
    assert [u.id for u in _utterances(service, mid)] == ["open-1"]
    assert SECRET.encode() not in _db_bytes(service)


def test_a_failing_cue_is_one_stored_event_however_often_it_is_reported(tmp_path, lib, clock):
    service = MeetingService(tmp_path, lib, clock=clock)
    mid = service.create("case-clinic", PEOPLE, "Anna")
    service.command(mid, "start")
    sentence = "Spreken lukt niet: geen geluidsuitgang. De tekst staat op het scherm."
    for _ in range(4):  # the speaker's own report, then one per cue that fails after it
        clock.advance(1)
        service.feed(mid, DeviceEvent("speech_failed", sentence))
    kinds = [e.event.kind for e in service.store.events(mid) if isinstance(e.event, DeviceEvent)]
    assert kinds == ["speech_failed"]
    assert sum(sentence in n for n in service.view(mid)["notices"]) == 1  # after the notice's own sentence
    service.feed(mid, DeviceEvent("speech_restored"))
    service.feed(mid, DeviceEvent("speech_restored"))
    kinds = [e.event.kind for e in service.store.events(mid) if isinstance(e.event, DeviceEvent)]
    assert kinds == ["speech_failed", "speech_restored"]
    assert not any(sentence in n for n in service.view(mid)["notices"])


@pytest.fixture
def view_builds(monkeypatch):
    calls = []
    real = service_module.view

    def counting(state, now):
        calls.append(now)
        return real(state, now)

    monkeypatch.setattr(service_module, "view", counting)
    return calls


def test_a_command_builds_the_view_once_and_a_partial_never(tmp_path, lib, clock, view_builds):
    service = MeetingService(tmp_path, lib, clock=clock)
    mid = service.create("case-clinic", PEOPLE, "Anna")
    sub = service.subscribe(mid)
    _drain(sub)
    del view_builds[:]
    answer = service.command(mid, "start")
    assert len(view_builds) == 1 and answer["view"]["status"] == "running"
    assert [kind for kind, _ in _drain(sub)].count("state") == 1
    del view_builds[:]
    service.feed(mid, Utterance("hallo", 0, 1, final=False))
    service.tick()
    assert view_builds == []
    service.command(mid, "previous_step")  # rejected: nothing changed, the answer still has a view
    assert len(view_builds) == 1


def test_without_screens_no_view_is_built_but_a_command_still_answers_with_one(tmp_path, lib, clock, view_builds):
    service = MeetingService(tmp_path, lib, clock=clock)
    mid = service.create("case-clinic", PEOPLE, "Anna")
    service.command(mid, "start")
    del view_builds[:]
    service.feed(mid, SpeechActivity(True, clock.t))  # changes what a screen would show
    clock.advance(3)
    service.feed(mid, SpeechActivity(False, clock.t))
    assert view_builds == []
    answer = service.command(mid, "next_step")
    assert answer["view"]["step"]["index"] == 1 and len(view_builds) == 1


def test_asking_the_time_left_updates_every_screen(tmp_path, lib, clock):
    service = MeetingService(tmp_path, lib, clock=clock)
    mid = service.create("case-clinic", PEOPLE, "Anna")
    service.command(mid, "start")
    sub = service.subscribe(mid)
    _drain(sub)
    clock.advance(30)
    answer = service.command(mid, "remaining", source="voice")
    sent = dict(_drain(sub))
    said = sent["say"]["text"]
    assert "nog" in said.lower() and sent["state"]["last_say"] == said == answer["view"]["last_say"]
    assert service.view(mid)["last_say"] == said  # also for a screen that connects later
