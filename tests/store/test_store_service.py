"""The store under the meeting service: a full disk, resuming after a stop, replay on load."""

from __future__ import annotations

import pytest

from engine_sim import Clock
from facilitator.engine import apply, new_state, remaining_seconds
from facilitator.events import Command, SpeechActivity, Tick, Utterance
from facilitator.service import MeetingService
from facilitator.store import Store, StoreError, StoreFull

PEOPLE = ["Anna", "Ben", "Carla", "Dirk", "Eva"]
FULL_NOTICE = "De schijf is vol"


def fill_until_full(service, mid, clock, limit=400):
    for i in range(limit):
        clock.advance(3)
        service.feed(mid, Utterance("woord " * 30 + str(i), clock.t - 2, clock.t - 1, id=f"fill-{i}"))
        if any(FULL_NOTICE in n for n in service.view(mid)["notices"]):
            return i
    raise AssertionError("the store never filled up")


def test_a_full_database_raises_store_full_with_a_clear_sentence(tmp_path):
    store = Store(tmp_path, max_pages=12)
    store.create_meeting("m", "case-clinic", {}, 0.0)
    with pytest.raises(StoreFull) as info:
        for i in range(2000):
            store.append("m", [(float(i), Utterance("x" * 400, i, i + 1, id=str(i)))])
    text = str(info.value)
    assert text.startswith("De schijf is vol") and "Maak ruimte vrij" in text and "\n" not in text
    assert isinstance(info.value, StoreError)
    # What was committed before is intact and readable.
    assert len(store.events("m")) == i


def test_disk_full_the_meeting_goes_on_in_memory_and_catches_up(tmp_path, lib, clock):
    store = Store(tmp_path, max_pages=12)
    service = MeetingService(tmp_path, lib, clock=clock, store=store)
    mid = service.create("case-clinic", PEOPLE, "Anna")
    service.command(mid, "start")
    n = fill_until_full(service, mid, clock)
    notices = service.view(mid)["notices"]
    assert any("de bijeenkomst loopt door" in x for x in notices)
    # The meeting goes on: commands work, utterances are in the live transcript.
    assert service.command(mid, "next_step")["ok"]
    clock.advance(2)
    service.feed(mid, Utterance("tijdens de volle schijf", clock.t - 1.5, clock.t - 0.5, id="during"))
    service.tick()
    assert service.view(mid)["step"]["index"] == 1
    assert "tijdens de volle schijf" in [l["text"] for l in service.transcript(mid)]
    assert "during" not in [getattr(e.event, "id", None) for e in store.events(mid)]

    store._db.execute("PRAGMA max_page_count=1000000")  # space comes back
    clock.advance(2)
    service.tick()  # the heartbeat retries
    assert not any(FULL_NOTICE in x for x in service.view(mid)["notices"])
    stored_ids = [e.event.id for e in store.events(mid) if isinstance(e.event, Utterance)]
    assert "during" in stored_ids and f"fill-{n}" in stored_ids
    assert len(stored_ids) == len(set(stored_ids))
    # A restart rebuilds exactly the live meeting from the log.
    live = service.state(mid)
    again = MeetingService(tmp_path, lib, clock=Clock(clock.t))
    assert again.state(mid).transcript == live.transcript
    assert again.view(mid)["step"]["index"] == 1


def test_a_meeting_begun_while_the_disk_is_full_is_saved_when_space_returns(tmp_path, lib, clock):
    store = Store(tmp_path, max_pages=12)
    service = MeetingService(tmp_path, lib, clock=clock, store=store)
    first = service.create("case-clinic", PEOPLE, "Anna")
    service.command(first, "start")
    fill_until_full(service, first, clock)
    second = service.create("case-clinic", PEOPLE, "Anna")   # no room for its row
    service.command(second, "start")                          # must not crash
    store._db.execute("PRAGMA max_page_count=1000000")
    clock.advance(2)
    service.command(second, "next_step")
    service.tick()
    assert store.meeting(second) is not None
    assert [e.event.kind for e in store.events(second)] == ["start", "next_step"]


def test_a_meeting_begun_while_the_disk_is_full_does_not_crash(tmp_path, lib, clock):
    store = Store(tmp_path, max_pages=12)
    service = MeetingService(tmp_path, lib, clock=clock, store=store)
    first = service.create("case-clinic", PEOPLE, "Anna")
    service.command(first, "start")
    fill_until_full(service, first, clock)
    second = service.create("case-clinic", PEOPLE, "Anna")
    store._db.execute("PRAGMA max_page_count=1000000")
    assert service.command(second, "start")["ok"]
    service.tick()
    assert service.view(second)["status"] == "running"


def test_set_outcome_through_the_service_command(tmp_path, lib, clock):
    service = MeetingService(tmp_path, lib, clock=clock)
    mid = service.create("case-clinic", PEOPLE, "Anna")
    result = service.command(mid, "set_outcome", kind="volgende_stap", text="Piet bellen")
    assert result["ok"] and service.outcomes(mid)["volgende_stap"] == "Piet bellen"


# -- resume --------------------------------------------------------------------------------

def test_resume_after_a_stop_same_step_and_remaining_time_downtime_is_a_pause(tmp_path, lib, clock):
    service = MeetingService(tmp_path, lib, clock=clock)
    mid = service.create("case-clinic", PEOPLE, "Anna")
    service.command(mid, "start")
    clock.advance(30)
    service.command(mid, "next_step")          # intentie, 15 minutes
    clock.advance(100)
    service.tick()                              # heartbeat: the clock got this far
    left = service.view(mid)["step"]["remaining_seconds"]
    assert left == pytest.approx(800)
    # The process dies here (no close, no goodbye); it comes back three hours later.
    later = Clock(clock.t + 3 * 3600)
    again = MeetingService(tmp_path, lib, clock=later)
    v = again.view(mid)
    assert v["status"] == "running" and v["step"]["index"] == 1
    assert v["step"]["remaining_seconds"] == pytest.approx(800)
    later.advance(60)
    assert again.view(mid)["step"]["remaining_seconds"] == pytest.approx(740)
    assert again.view(mid)["elapsed_seconds"] == pytest.approx(190)


def test_resume_counts_time_up_to_the_last_heartbeat(tmp_path, lib, clock):
    service = MeetingService(tmp_path, lib, clock=clock)
    mid = service.create("case-clinic", PEOPLE, "Anna")
    service.command(mid, "start")
    for _ in range(40):                         # 40 s of ticking, no events
        clock.advance(1)
        service.tick()
    again = MeetingService(tmp_path, lib, clock=Clock(10 ** 6))
    assert again.view(mid)["step"]["remaining_seconds"] == pytest.approx(120 - 40, abs=1.0)


def test_a_paused_meeting_resumes_paused(tmp_path, lib, clock):
    service = MeetingService(tmp_path, lib, clock=clock)
    mid = service.create("case-clinic", PEOPLE, "Anna")
    service.command(mid, "start")
    clock.advance(50)
    service.command(mid, "pause")
    clock.advance(500)
    service.tick()
    again = MeetingService(tmp_path, lib, clock=Clock(0))
    v = again.view(mid)
    assert v["status"] == "paused" and v["step"]["remaining_seconds"] == pytest.approx(70)
    assert again.command(mid, "resume")["ok"]


def test_a_recogniser_resending_after_a_restart_does_not_duplicate(tmp_path, lib, clock):
    service = MeetingService(tmp_path, lib, clock=clock)
    mid = service.create("case-clinic", PEOPLE, "Anna")
    service.command(mid, "start")
    clock.advance(5)
    u = Utterance("dit is mijn casus", clock.t - 4, clock.t - 1, id="asr-17")
    service.feed(mid, u)
    again = MeetingService(tmp_path, lib, clock=Clock(clock.t))
    again.feed(mid, u)
    again.feed(mid, u)
    assert [l["text"] for l in again.transcript(mid)] == ["dit is mijn casus"]
    ids = [getattr(e.event, "id", None) for e in again.store.events(mid)]
    assert ids.count("asr-17") == 1


def test_the_loaded_state_is_the_replay_of_the_log(tmp_path, lib, clock):
    service = MeetingService(tmp_path, lib, clock=clock)
    mid = service.create("case-clinic", PEOPLE, "Anna", hulpvraag="Hoe verder?")
    service.command(mid, "start")
    script = [Command("next_step"), SpeechActivity(True, 0), Utterance("mijn verhaal", 0, 9, id="a"),
              SpeechActivity(False, 0), Command("note", args={"text": "belangrijk"}), Command("next_step"),
              Command("next_step"), Command("pass"), Command("next_turn")]
    for event in script:
        clock.advance(7)
        if isinstance(event, SpeechActivity):
            event = SpeechActivity(event.speaking, clock.t)
        if isinstance(event, Utterance):
            event = Utterance(event.text, clock.t - 9, clock.t - 1, id=event.id)
        service.feed(mid, event)
        service.tick()
    live = service.state(mid)
    state = new_state(live.setup)
    for stored in service.store.events(mid):
        state, _ = apply(state, stored.event, stored.at)
    assert state.transcript == live.transcript and state.step_index == live.step_index
    assert state.round == live.round and state.speech.booked == live.speech.booked
    again = MeetingService(tmp_path, lib, clock=Clock(0))
    now = again.now(mid)
    assert remaining_seconds(again.state(mid), now) == pytest.approx(remaining_seconds(live, service.now(mid)))
    assert again.state(mid).transcript == live.transcript
