"""The store's files: WAL with synchronous=FULL, private permissions, real deletion, a corrupt file
moved aside, the event log round trip."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from facilitator.events import Command, SpeechActivity, Tick, Utterance, Word
from facilitator.service import MeetingService, UnknownMeeting
from facilitator.store import DB_NAME, Store

CANARY = "kanariepietje-zegt-xq7-geheim"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_wal_and_synchronous_full_are_set(tmp_path):
    store = Store(tmp_path / "data")
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store._db.execute("PRAGMA secure_delete").fetchone()[0] == 1
    assert store._db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    store.close()
    # WAL is a property of the file: another connection sees it too.
    other = sqlite3.connect(tmp_path / "data" / DB_NAME)
    assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    other.close()


def test_files_are_private_and_the_folder_too(tmp_path):
    old = os.umask(0o022)  # a permissive umask, as on many desktops
    try:
        data = tmp_path / "data"
        store = Store(data)
        store.create_meeting("m1", "case-clinic", {"x": 1}, 0.0)
        store.append("m1", [(1.0, Command("start"))])
    finally:
        os.umask(old)
    assert mode(data) == 0o700
    files = [p for p in data.iterdir() if p.name.startswith(DB_NAME)]
    assert {p.name for p in files} >= {DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm"}
    for p in files:
        assert mode(p) == 0o600, p.name
    store.close()


def test_an_existing_open_folder_is_made_private(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    Store(data).close()
    assert mode(data) == 0o700


def test_events_round_trip_in_order(tmp_path):
    store = Store(tmp_path)
    store.create_meeting("m", "case-clinic", {"a": "ë"}, 0.0)
    events = [(1.0, Command("start", "voice", "Anna", {"x": [1, 2]})), (2.5, SpeechActivity(True, 2.4)),
              (3.0, Utterance("hallo daar", 2.4, 2.9, words=(Word("hallo", 2.4, 2.6, 0.9),), confidence=0.8, id="u1")),
              (4.0, Tick())]
    store.append("m", events)
    back = store.events("m")
    assert [(e.seq, e.at, e.event) for e in back] == [(i + 1, at, ev) for i, (at, ev) in enumerate(events)]
    assert store.meeting("m")["last_clock"] == 4.0
    assert store.meeting("m")["setup"] == {"a": "ë"}


def test_an_utterance_id_is_stored_once_and_the_sequence_has_no_gaps(tmp_path):
    store = Store(tmp_path)
    store.create_meeting("m", "case-clinic", {}, 0.0)
    u = Utterance("een keer", 1, 2, id="same")
    store.append("m", [(1.0, u), (1.5, Command("pass"))])
    store.append("m", [(2.0, u), (2.5, Command("next_turn")), (3.0, u)])
    back = store.events("m")
    assert [e.seq for e in back] == [1, 2, 3]
    assert [type(e.event).__name__ for e in back] == ["Utterance", "Command", "Command"]
    # The same id in another meeting is another utterance.
    store.create_meeting("m2", "case-clinic", {}, 0.0)
    store.append("m2", [(1.0, u)])
    assert len(store.events("m2")) == 1


def test_heartbeat_never_moves_the_clock_back(tmp_path):
    store = Store(tmp_path)
    store.create_meeting("m", "case-clinic", {}, 0.0)
    store.heartbeat("m", 50.0)
    store.heartbeat("m", 40.0)
    assert store.meeting("m")["last_clock"] == 50.0


def _file_bytes(data: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(data.iterdir()) if p.name.startswith(DB_NAME))


def test_delete_removes_the_meeting_and_its_bytes(tmp_path, clock, lib):
    data = tmp_path / "data"
    service = MeetingService(data, lib, clock=clock)
    keep = service.create("case-clinic", ["Anna", "Ben", "Carla", "Dirk"], "Anna", hulpvraag="Blijft bewaard")
    gone = service.create("case-clinic", ["Anna", "Ben", "Carla", "Dirk"], "Anna", hulpvraag=f"Vraag {CANARY}")
    for mid in (keep, gone):
        service.command(mid, "start")
        clock.advance(5)
        service.feed(mid, Utterance(f"ik zeg {CANARY} hardop" if mid == gone else "gewone zin", clock.t - 4,
                                    clock.t - 1, id=f"{mid}-1"))
        service.command(mid, "note", text=f"notitie {CANARY}" if mid == gone else "notitie")
        service.feed(mid, Command("set_outcome", args={"kind": "volgende_stap",
                                                      "text": f"bel {CANARY}" if mid == gone else "bellen"}))
        service.tick()
    encoded = [CANARY.encode("utf-8")]
    assert any(c in _file_bytes(data) for c in encoded), "the canary was written (the test can see it)"

    service.delete(gone)

    raw = _file_bytes(data)
    assert CANARY.encode("utf-8") not in raw
    assert CANARY.encode("utf-16-le") not in raw
    with pytest.raises(UnknownMeeting):
        service.view(gone)
    assert [m["id"] for m in service.meetings()] == [keep]
    # A fresh service (a restart) still has the other meeting, whole.
    again = MeetingService(data, lib, clock=clock)
    assert again.outcomes(keep)["hulpvraag"] == "Blijft bewaard"
    assert [l["text"] for l in again.transcript(keep)] == ["gewone zin", "notitie"]
    with pytest.raises(UnknownMeeting) as info:
        again.delete(gone)
    assert "bestaat niet" in str(info.value)


def test_a_corrupt_database_is_moved_aside_and_a_fresh_one_works(tmp_path, clock, lib):
    data = tmp_path / "data"
    data.mkdir()
    garbage = b"dit is geen database\x00" * 500
    (data / DB_NAME).write_bytes(garbage)
    store = Store(data)
    assert store.moved_aside is not None and store.moved_aside.exists()
    assert store.moved_aside.read_bytes() == garbage  # kept as it was, for a repair
    assert "beschadigd" in store.notice and str(store.moved_aside) in store.notice
    assert "\n" not in store.notice
    service = MeetingService(data, lib, clock=clock, store=store)
    mid = service.create("case-clinic", ["Anna", "Ben", "Carla", "Dirk"], "Anna")
    service.command(mid, "start")
    assert store.notice in service.view(mid)["notices"]
    assert MeetingService(data, lib, clock=clock).view(mid)["status"] == "running"


def test_a_database_with_broken_pages_is_moved_aside(tmp_path):
    data = tmp_path / "data"
    store = Store(data)
    store.create_meeting("m", "case-clinic", {"pad": "x" * 20000}, 0.0)
    store.append("m", [(float(i), Command("note", args={"text": "y" * 500})) for i in range(200)])
    store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    path = data / DB_NAME
    raw = bytearray(path.read_bytes())
    page = 4096
    for p in range(2, len(raw) // page):  # keep the header page, scribble over the b-tree pages
        raw[p * page:p * page + 64] = b"\xff" * 64
    path.write_bytes(bytes(raw))
    fresh = Store(data)
    assert fresh.moved_aside is not None
    assert fresh.meetings() == []
    fresh.create_meeting("n", "case-clinic", {}, 0.0)
    assert fresh.meeting("n") is not None
