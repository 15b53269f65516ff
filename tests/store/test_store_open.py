"""Opening the store: a lock, a full disk or an I/O error is never mistaken for corruption; a stop keeps
what the store could not take in a recovery file that the next start reads back."""

from __future__ import annotations

import json
import resource
import sqlite3
import subprocess
import sys

import pytest

from facilitator import recovery
from facilitator.service import MeetingService
from facilitator.store import DB_NAME, Store, StoreUnavailable

PEOPLE = ["Anna", "Ben", "Carla"]


def nine_meetings(data, lib, clock) -> list[str]:
    service = MeetingService(data, lib, clock=clock)
    ids = [service.create("case-clinic", PEOPLE, "Anna") for _ in range(9)]
    service.store.close()
    return ids


def set_aside(data) -> list:
    return sorted(p.name for p in data.iterdir() if ".corrupt-" in p.name)


def test_a_database_locked_by_another_program_at_start_is_kept_and_told(tmp_path, lib, clock):
    data = tmp_path / "data"
    ids = nine_meetings(data, lib, clock)
    other = sqlite3.connect(data / DB_NAME, isolation_level=None)
    other.execute("PRAGMA locking_mode=EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    other.execute("UPDATE meetings SET summary=summary")  # takes and keeps the exclusive lock
    try:
        with pytest.raises(StoreUnavailable) as info:
            Store(data, busy_timeout=0.2, retry_pause=0.01)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert info.value.code == "store_locked" and info.value.status == 503
    assert "ander programma" in info.value.message and "opnieuw" in info.value.message
    assert set_aside(data) == []
    # The lock gone, the same file opens with every meeting, and no notice of damage.
    store = Store(data)
    assert sorted(m["id"] for m in store.meetings()) == sorted(ids)
    assert store.notice is None


def test_a_full_disk_at_the_first_start_is_not_corruption(tmp_path):
    data = tmp_path / "data"
    with pytest.raises(StoreUnavailable) as info:
        Store(data, max_pages=1, retry_pause=0.01)  # no room even for the tables
    assert info.value.code == "store_full" and "maak ruimte vrij" in info.value.message
    assert set_aside(data) == []
    assert Store(data).meetings() == []


def test_a_disk_that_refuses_writes_at_start_is_one_sentence_on_the_command_line(tmp_path, lib, clock,
                                                                                 facilitator_bin, cli_env):
    data = tmp_path / "data"
    ids = nine_meetings(data, lib, clock)
    for suffix in ("-wal", "-shm"):
        (data / (DB_NAME + suffix)).unlink(missing_ok=True)

    def tiny_files():  # any write that grows a file fails (EFBIG), as on a disk with no room left
        resource.setrlimit(resource.RLIMIT_FSIZE, (1, resource.RLIM_INFINITY))

    env = cli_env
    result = subprocess.run([facilitator_bin, "meetings", "list"], capture_output=True, text=True, env=env,
                            timeout=60, stdin=subprocess.DEVNULL, preexec_fn=tiny_files)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "Er is niets weggegooid." in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert set_aside(data) == []
    listed = subprocess.run([facilitator_bin, "meetings", "list", "--json"], capture_output=True, text=True,
                            env=env, timeout=60, stdin=subprocess.DEVNULL)
    assert listed.returncode == 0 and all(i in listed.stdout for i in ids), listed.stderr


def test_the_notice_of_a_file_set_aside_stays_until_acknowledged(tmp_path, lib, clock):
    data = tmp_path / "data"
    data.mkdir()
    (data / DB_NAME).write_bytes(b"SQLite format 3\x00" + b"garbage" * 500)
    first = Store(data)
    assert first.notice and "beschadigd" in first.notice
    first.close()
    again = MeetingService(data, lib, clock=clock)  # the next start still says so, on every screen
    mid = again.create("case-clinic", PEOPLE, "Anna")
    assert any("beschadigd" in n for n in again.view(mid)["notices"])
    assert again.store.acknowledge_notice() is True
    assert not any("beschadigd" in n for n in again.view(mid)["notices"])
    again.store.close()
    assert Store(data).notice is None


def full_store(data) -> Store:
    """A store on a file that cannot grow, its pages packed: every later write fails as on a full disk."""
    probe = Store(data)
    pages = probe._db.execute("PRAGMA page_count").fetchone()[0]
    probe.close()
    store = Store(data, max_pages=pages + 4)
    db = store._db
    db.execute("INSERT INTO meetings (id, created, method_id, setup) VALUES ('filler', '', '', '{}')")
    for n, (table, row) in enumerate([
            ("meetings", "INSERT INTO meetings (id, created, method_id, setup) VALUES (?, '', '', ?)"),
            ("events", "INSERT INTO events (meeting_id, seq, at, data) VALUES ('filler', ?, 0, ?)")]):
        size, key = 4096, 0
        while size >= 1:
            key += 1
            try:
                db.execute(row, (f"f{n}-{key}" if table == "meetings" else key, json.dumps("x" * size)))
            except sqlite3.OperationalError:  # "database or disk is full": try a smaller row
                size //= 2
    return store


def test_a_stop_while_the_disk_is_full_keeps_notes_and_a_whole_meeting(tmp_path, lib, clock):
    data = tmp_path / "data"
    service = MeetingService(data, lib, clock=clock)
    earlier = service.create("case-clinic", PEOPLE, "Anna")
    service.store.close()

    service = MeetingService(data, lib, clock=clock, store=full_store(data))
    service.command(earlier, "start")
    service.command(earlier, "note", text="Notitie terwijl de schijf vol is")
    made = service.create("case-clinic", ["Dirk", "Eva", "Fleur"], "Eva")  # the whole meeting only in memory
    service.command(made, "start")
    service.command(made, "note", text="Tweede notitie")
    said = service.close()
    assert "volgende start" in said and str(data) in said, said
    assert recovery.path_for(data / DB_NAME).exists()

    restarted = MeetingService(data, lib, clock=clock)
    assert restarted.recovered and "bewaard" in restarted.recovered
    assert not recovery.path_for(data / DB_NAME).exists()
    assert {m["id"] for m in restarted.meetings()} >= {earlier, made}
    assert "Notitie terwijl de schijf vol is" in [line["text"] for line in restarted.transcript(earlier)]
    assert "Tweede notitie" in [line["text"] for line in restarted.transcript(made)]
    assert restarted.view(made)["status"] == "running"
    assert restarted.close() == "Alles is bewaard."


def test_a_stop_with_everything_stored_says_so(tmp_path, lib, clock):
    service = MeetingService(tmp_path, lib, clock=clock)
    mid = service.create("case-clinic", PEOPLE, "Anna")
    service.command(mid, "start")
    assert service.close() == "Alles is bewaard."
    assert not recovery.path_for(tmp_path / DB_NAME).exists()


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
