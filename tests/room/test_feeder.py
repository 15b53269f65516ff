"""The listener never waits for the meeting: what it heard is fed on the feeder's thread, in order,
with nothing lost; a partial already followed by a newer one is skipped when the meeting is behind."""

from __future__ import annotations

import threading

from facilitator.events import Command, SpeechActivity, Utterance
from facilitator.feeder import Feeder


def test_put_returns_while_the_meeting_is_busy_and_everything_arrives_in_order():
    busy = threading.Event()    # the meeting's lock is held (a disk sync, say)
    entered = threading.Event()
    fed: list = []

    def feed(event, meeting_id):
        entered.set()
        busy.wait(10)
        fed.append((event, meeting_id))

    feeder = Feeder(feed)
    first = SpeechActivity(True, 1.0)
    feeder.put(first, "m1")
    assert entered.wait(10)     # the feeder thread is stuck in the meeting now
    heard = [Utterance("een zin", 1.0, 2.0), SpeechActivity(False, 2.1), Command("next_turn", source="voice")]
    for event in heard:
        feeder.put(event, "m1")  # the listener goes on: no put waits for the meeting
    assert fed == []
    busy.set()
    feeder.close()
    assert fed == [(e, "m1") for e in [first, *heard]]


def test_a_stale_partial_is_skipped_but_never_a_final():
    gate = threading.Event()
    entered = threading.Event()
    fed: list = []

    def feed(event, meeting_id):
        entered.set()
        gate.wait(10)
        fed.append(event)

    feeder = Feeder(feed)
    feeder.put(SpeechActivity(True, 0.0), "m1")
    assert entered.wait(10)
    old = Utterance("een", 0.0, 0.5, final=False)
    newer = Utterance("een zin", 0.0, 0.8, final=False)
    final = Utterance("een zin hier", 0.0, 1.0)
    last = Utterance("nog", 1.2, 1.4, final=False)
    for event in (old, newer, final, last):
        feeder.put(event, "m1")
    gate.set()
    feeder.close()
    assert fed[1:] == [newer, final, last]
    assert feeder.skipped_partials == 1


def test_a_failing_feed_does_not_stop_what_follows():
    fed: list = []

    def feed(event, meeting_id):
        if event == "boom":
            raise RuntimeError("kapot")
        fed.append(event)

    feeder = Feeder(feed)
    for event in ("a", "boom", "b"):
        feeder.put(event, "m1")
    feeder.close()
    assert fed == ["a", "b"]
