"""Deleting a meeting wipes its words from the files; each of the two safeguards does it alone.

secure_delete zeroes what a deletion frees; VACUUM rebuilds the file without it and gives the
space back. A build or a full disk can take one of them away: the other must still do the job.
"""

from __future__ import annotations

import sqlite3

import pytest

from facilitator.events import Utterance
from facilitator.store import Store

SECRET = "geheimpje-van-anna-{}"
KEPT = "blijft-staan-van-ben-{}"


def files(data_dir) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(data_dir.glob("facilitator.db*")))


def two_meetings(data_dir, lines: int = 300) -> Store:
    store = Store(data_dir)
    for mid, words in (("weg", SECRET), ("blijft", KEPT)):
        store.create_meeting(mid, "case-clinic", {"hulpvraag": words.format("hulpvraag")}, 0.0)
        for i in range(lines):
            store.append(mid, [(float(i), Utterance(words.format(i) + " en nog wat woorden " * 3, i, i + 1,
                                                    id=f"{mid}-{i}"))])
    return store


def left_behind(data_dir, pattern: str, lines: int = 300) -> int:
    data = files(data_dir)
    return sum(1 for i in [*range(lines), "hulpvraag"] if pattern.format(i).encode() in data)


class _Connection(sqlite3.Connection):
    refuse: str = ""

    def execute(self, sql, *args):
        if self.refuse == "vacuum" and sql.strip().upper() == "VACUUM":
            raise sqlite3.OperationalError("database or disk is full")  # VACUUM needs room for a copy
        if self.refuse == "secure_delete" and "secure_delete" in sql.lower():
            sql = "PRAGMA secure_delete=OFF"  # a build that cannot do it
        return super().execute(sql, *args)


@pytest.fixture
def without(monkeypatch):
    """without("vacuum" | "secure_delete"): the store's SQLite connections lack that safeguard."""

    def take_away(what: str) -> None:
        connect = sqlite3.connect

        class Refusing(_Connection):
            refuse = what

        monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: connect(*a, factory=Refusing, **k))

    return take_away


def test_a_deleted_meeting_leaves_no_words_and_the_other_keeps_all(tmp_path):
    store = two_meetings(tmp_path)
    assert left_behind(tmp_path, SECRET) == 301
    assert store.delete("weg")
    assert left_behind(tmp_path, SECRET) == 0
    assert left_behind(tmp_path, KEPT) == 301
    assert [e.event.id for e in store.events("blijft")][:2] == ["blijft-0", "blijft-1"]
    store.close()
    assert left_behind(tmp_path, SECRET) == 0


def test_deleting_gives_the_disk_space_back(tmp_path):
    store = two_meetings(tmp_path, lines=1500)
    before = store.size_bytes()
    store.delete("weg")
    assert store.size_bytes() < before * 0.7
    store.close()


def test_without_secure_delete_vacuum_alone_wipes_the_words(tmp_path, without):
    without("secure_delete")
    store = two_meetings(tmp_path)
    assert store._db.execute("PRAGMA secure_delete").fetchone()[0] == 0  # the safeguard is really gone
    store.delete("weg")
    assert left_behind(tmp_path, SECRET) == 0 and left_behind(tmp_path, KEPT) == 301
    store.close()


def test_when_vacuum_fails_secure_delete_alone_wipes_the_words(tmp_path, without):
    without("vacuum")
    store = two_meetings(tmp_path)
    assert store.delete("weg")  # the deletion itself is done; compacting can wait for the next one
    assert store.meeting("weg") is None and store.events("weg") == []
    assert left_behind(tmp_path, SECRET) == 0 and left_behind(tmp_path, KEPT) == 301
    store.close()
