"""The meeting store: an append-only SQLite event log per meeting, safe against power cuts.

The state of a meeting is never stored, only the events that made it; the state is
a replay of the log. WAL with synchronous=FULL makes every committed command and
utterance survive a crash; secure_delete plus VACUUM makes a deletion real.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Optional

from facilitator.errors import UserError
from facilitator.events import Event, event_from_dict, to_dict
from facilitator.notices import notice as notice_text

DB_NAME = "facilitator.db"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meetings (
    id TEXT PRIMARY KEY,
    created TEXT NOT NULL,
    method_id TEXT NOT NULL,
    setup TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '{}',
    last_clock REAL,
    last_wall REAL
);
CREATE TABLE IF NOT EXISTS events (
    meeting_id TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    at REAL NOT NULL,
    data TEXT NOT NULL,
    utterance_id TEXT,
    wall REAL,
    PRIMARY KEY (meeting_id, seq)
);
CREATE UNIQUE INDEX IF NOT EXISTS events_utterance ON events(meeting_id, utterance_id)
    WHERE utterance_id IS NOT NULL;
"""


NOTICE_FILE = "store-notice.json"   # a file set aside, until someone acknowledges it
# What SQLite calls a damaged file; every other error (full, locked, I/O) may pass, so it never moves a file.
CORRUPTION = frozenset({"SQLITE_CORRUPT", "SQLITE_NOTADB"})
OPEN_ATTEMPTS = 3
OPEN_WAIT_SECONDS = 2.0


class StoreError(UserError):
    """The store failed in a way the user can act on; the message is one sentence."""

    status = 503
    code = "store_error"


class StoreFull(StoreError):
    code = "store_full"


class MeetingGone(StoreError):
    """The meeting's row is gone from the file (deleted by another process, e.g. `meetings delete`)."""

    status = 404
    code = "meeting_gone"


class StoreUnavailable(StoreError):
    """The database cannot be opened right now (full, locked, I/O); nothing was moved or thrown away."""

    code = "store_unavailable"


class _Corrupt(sqlite3.DatabaseError):
    """The integrity check failed: the only reason a file is ever set aside."""


def is_corruption(exc: sqlite3.Error) -> bool:
    return isinstance(exc, _Corrupt) or getattr(exc, "sqlite_errorname", None) in CORRUPTION


def unavailable(exc: sqlite3.Error) -> StoreUnavailable:
    """One Dutch sentence for a database that cannot be opened now."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    if name.startswith("SQLITE_BUSY") or name.startswith("SQLITE_LOCKED") or "locked" in text:
        return StoreUnavailable("De database is in gebruik door een ander programma (draait facilitator al?); "
                                "sluit dat en probeer het opnieuw. Er is niets weggegooid.", "store_locked")
    if name == "SQLITE_FULL" or "full" in text:
        return StoreUnavailable("De schijf is vol, dus de database kan niet open; maak ruimte vrij en "
                                "probeer het opnieuw. Er is niets weggegooid.", "store_full")
    return StoreUnavailable("De database kan nu niet worden gelezen of geschreven (schijffout); controleer "
                            "de schijf en probeer het opnieuw. Er is niets weggegooid.", "store_io")


@dataclass(frozen=True)
class StoredEvent:
    seq: int
    at: float
    event: Event


def _private(path: Path) -> None:
    try:
        os.chmod(path, 0o600)
    except OSError:
        pass


class Store:
    """One SQLite file in the data folder; one connection guarded by a lock."""

    def __init__(self, data_dir: Path, *, max_pages: Optional[int] = None, busy_timeout: float = 10.0,
                 retry_pause: float = 0.5):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        _private_dir(self.data_dir)
        self.path = self.data_dir / DB_NAME
        self.moved_aside: Optional[Path] = None
        self._busy_timeout = busy_timeout
        self._retry_pause = retry_pause
        self.wall = time.time  # the day's clock stamped beside each event (a test may set its own)
        self._lock = threading.RLock()
        self._db = self._open(max_pages)

    # -- opening --------------------------------------------------------------

    def _open(self, max_pages: Optional[int]) -> sqlite3.Connection:
        old_umask = os.umask(0o077)  # the -wal and -shm files are born private too
        try:
            db = self._connect_or_retry(max_pages, set_aside=True)
        finally:
            os.umask(old_umask)
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(self.path) + suffix)
            if p.exists():
                _private(p)
        return db

    def _connect_or_retry(self, max_pages: Optional[int], *, set_aside: bool) -> sqlite3.Connection:
        """Open the file; only a failed integrity check sets it aside, anything else is retried, then told."""
        for attempt in range(OPEN_ATTEMPTS):
            try:
                return self._connect(max_pages)
            except sqlite3.Error as exc:
                if is_corruption(exc) and set_aside:
                    self.moved_aside = self._move_aside()
                    self._remember_notice()
                    return self._connect_or_retry(max_pages, set_aside=False)
                if is_corruption(exc) or attempt == OPEN_ATTEMPTS - 1:
                    raise unavailable(exc) from None
                time.sleep(self._retry_pause * (attempt + 1))  # a lock or a hiccup may pass
        raise AssertionError("unreachable")

    def _connect(self, max_pages: Optional[int]) -> sqlite3.Connection:
        # Opening waits briefly (a lock at start is retried, then told); later writes wait the full time.
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None,
                             timeout=min(self._busy_timeout, OPEN_WAIT_SECONDS))
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA secure_delete=ON")
            db.execute("PRAGMA foreign_keys=ON")
            if max_pages:
                db.execute(f"PRAGMA max_page_count={int(max_pages)}")
            ok = db.execute("PRAGMA quick_check").fetchone()[0]
            if ok != "ok":
                raise _Corrupt(ok)
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not {"meetings", "events"} <= tables:  # a write only when needed: a lock elsewhere may not matter
                db.executescript(SCHEMA)
            if "wall" not in {r[1] for r in db.execute("PRAGMA table_info(events)")}:
                db.execute("ALTER TABLE events ADD COLUMN wall REAL")  # a file from before clock times
            db.execute(f"PRAGMA busy_timeout={int(self._busy_timeout * 1000)}")
        except sqlite3.Error:
            db.close()
            raise
        return db

    def _move_aside(self) -> Path:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{DB_NAME}.corrupt-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(self.path) + suffix)
            if p.exists():
                p.rename(Path(str(target) + suffix))
        return target

    def _remember_notice(self) -> None:
        """Keep the notice in the data folder, so every screen shows it until someone acknowledges it."""
        path = self.data_dir / NOTICE_FILE
        try:
            path.write_text(json.dumps({"moved_aside": str(self.moved_aside)}), encoding="utf-8")
            _private(path)
        except OSError:
            pass  # the notice still shows for this run, from memory

    @property
    def notice(self) -> Optional[str]:
        aside = self.moved_aside
        if aside is None:
            try:
                aside = json.loads((self.data_dir / NOTICE_FILE).read_text(encoding="utf-8"))["moved_aside"]
            except (OSError, ValueError, KeyError, TypeError):
                return None
        return notice_text("store_moved_aside", aside=str(aside))

    def acknowledge_notice(self) -> bool:
        """The user has read the notice: stop showing it (the file set aside stays where it is)."""
        had = self.notice is not None
        self.moved_aside = None
        try:
            (self.data_dir / NOTICE_FILE).unlink()
        except FileNotFoundError:
            pass
        return had

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- writing --------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                yield self._db
                self._db.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                self._rollback()
                text = str(exc).lower()
                if "full" in text or "disk" in text:
                    raise StoreFull("De schijf is vol: opslaan lukt niet. Maak ruimte vrij; "
                                    "de bijeenkomst loopt door en wordt bewaard zodra het weer kan.") from exc
                raise StoreError("Opslaan lukt even niet (de database is bezet of onbereikbaar); de bijeenkomst "
                                 "loopt door en wordt bewaard zodra het weer kan.") from exc
            except sqlite3.IntegrityError as exc:
                self._rollback()
                if "FOREIGN KEY" not in str(exc):
                    raise StoreError("Opslaan lukt niet; de bijeenkomst loopt door en wordt bewaard zodra het "
                                     "weer kan.") from exc
                raise MeetingGone("Deze bijeenkomst is intussen verwijderd.") from exc
            except sqlite3.DatabaseError as exc:
                # E.g. a meeting whose row never got written (the disk was full when it began):
                # a clear StoreError, so the meeting goes on in memory instead of crashing.
                self._rollback()
                raise StoreError("Opslaan lukt niet; de bijeenkomst loopt door en wordt bewaard zodra het "
                                 "weer kan.") from exc
            except BaseException:
                self._rollback()
                raise

    def _rollback(self) -> None:
        try:
            self._db.execute("ROLLBACK")
        except sqlite3.Error:
            pass

    def create_meeting(self, meeting_id: str, method_id: str, setup: dict[str, Any], clock: float) -> None:
        created = datetime.fromtimestamp(self.wall(), timezone.utc).isoformat(timespec="seconds")
        with self._write() as db:
            db.execute("INSERT INTO meetings (id, created, method_id, setup, last_clock, last_wall) VALUES (?,?,?,?,?,?)",
                       (meeting_id, created, method_id, json.dumps(setup, ensure_ascii=False), clock, time.time()))

    def append(self, meeting_id: str, events: list[tuple[float, Event]],
               summary: Optional[dict[str, Any]] = None) -> None:
        """Append events (and the summary) in one transaction; an utterance already stored is skipped."""
        if not events:
            return
        with self._write() as db:
            if summary is not None:
                db.execute("UPDATE meetings SET summary=? WHERE id=?", (json.dumps(summary, ensure_ascii=False), meeting_id))
            seq = db.execute("SELECT COALESCE(MAX(seq), 0) FROM events WHERE meeting_id=?", (meeting_id,)).fetchone()[0]
            wall = self.wall()  # the day's clock beside the meeting clock: the verslag's clock times
            for at, event in events:
                seq += 1
                utt = getattr(event, "id", None) if type(event).__name__ == "Utterance" else None
                cur = db.execute("INSERT OR IGNORE INTO events (meeting_id, seq, at, data, utterance_id, wall) "
                                 "VALUES (?,?,?,?,?,?)",
                                 (meeting_id, seq, at, json.dumps(to_dict(event), ensure_ascii=False), utt, wall))
                if cur.rowcount == 0:
                    seq -= 1
            db.execute("UPDATE meetings SET last_clock=?, last_wall=? WHERE id=?", (events[-1][0], time.time(), meeting_id))

    def heartbeat(self, meeting_id: str, clock: float, summary: Optional[dict[str, Any]] = None) -> None:
        """Remember how far the clock got, so a resume knows when the process went down."""
        with self._write() as db:
            if summary is not None:
                db.execute("UPDATE meetings SET summary=? WHERE id=?", (json.dumps(summary, ensure_ascii=False), meeting_id))
            updated = db.execute("UPDATE meetings SET last_clock=MAX(COALESCE(last_clock, 0), ?), last_wall=? "
                                 "WHERE id=?", (clock, time.time(), meeting_id)).rowcount
            if not updated:
                raise MeetingGone("Deze bijeenkomst is intussen verwijderd.")

    def set_summary(self, meeting_id: str, summary: dict[str, Any]) -> None:
        with self._write() as db:
            if not db.execute("UPDATE meetings SET summary=? WHERE id=?",
                              (json.dumps(summary, ensure_ascii=False), meeting_id)).rowcount:
                raise MeetingGone("Deze bijeenkomst is intussen verwijderd.")

    def delete(self, meeting_id: str) -> bool:
        """Remove a meeting so that its words are gone from the file, not just unlinked."""
        with self._write() as db:
            db.execute("DELETE FROM events WHERE meeting_id=?", (meeting_id,))
            found = db.execute("DELETE FROM meetings WHERE id=?", (meeting_id,)).rowcount > 0
        with self._lock:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            try:
                self._db.execute("VACUUM")
            except sqlite3.OperationalError:
                # VACUUM needs room for a copy of the file; secure_delete has already zeroed the
                # freed pages, so the words are gone: only the space comes back at a later delete.
                pass
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return found

    # -- reading --------------------------------------------------------------

    def meeting(self, meeting_id: str) -> Optional[dict[str, Any]]:
        with self._lock:
            row = self._db.execute("SELECT id, created, method_id, setup, summary, last_clock, last_wall FROM meetings WHERE id=?",
                                   (meeting_id,)).fetchone()
        return _meeting_row(row) if row else None

    def meetings(self) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute("SELECT id, created, method_id, setup, summary, last_clock, last_wall FROM meetings "
                                    "ORDER BY created DESC, rowid DESC").fetchall()
        return [_meeting_row(r) for r in rows]

    def events(self, meeting_id: str) -> list[StoredEvent]:
        with self._lock:
            rows = self._db.execute("SELECT seq, at, data FROM events WHERE meeting_id=? ORDER BY seq",
                                    (meeting_id,)).fetchall()
        return [StoredEvent(seq, at, event_from_dict(json.loads(data))) for seq, at, data in rows]

    def walls(self, meeting_id: str) -> list[tuple[float, float]]:
        """(meeting clock, wall clock) pairs, the creation first: how the meeting's clock maps to the day's."""
        with self._lock:
            row = self._db.execute("SELECT created FROM meetings WHERE id=?", (meeting_id,)).fetchone()
            rows = self._db.execute("SELECT at, wall FROM events WHERE meeting_id=? AND wall IS NOT NULL ORDER BY seq",
                                    (meeting_id,)).fetchall()
        first = [(0.0, datetime.fromisoformat(row[0]).timestamp())] if row else []
        return first + [(at, wall) for at, wall in rows]

    def size_bytes(self) -> int:
        return sum(Path(str(self.path) + s).stat().st_size for s in ("", "-wal") if Path(str(self.path) + s).exists())


def _meeting_row(row) -> dict[str, Any]:
    mid, created, method_id, setup, summary, last_clock, last_wall = row
    return {"id": mid, "created": created, "method_id": method_id, "setup": json.loads(setup),
            "summary": json.loads(summary or "{}"), "last_clock": last_clock, "last_wall": last_wall}


def _private_dir(path: Path) -> None:
    try:
        os.chmod(path, 0o700)
    except OSError:
        pass
