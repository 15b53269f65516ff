"""The recovery file: what a stop could not get into the database, kept next to it and read on the next start.

When the store fails (a full disk, a lock) a meeting goes on in memory. A clean stop must not
throw that away: it writes the meetings' unsaved setup and events to one private JSON file,
and the next start replays them into the database before anything else happens.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from facilitator.events import Event, event_from_dict, to_dict

RECOVERY_NAME = "facilitator.db.recovery.json"


@dataclass
class Unsaved:
    """One meeting's part that is only in memory: its setup (if the row was never written) and events."""

    meeting_id: str
    method_id: str
    record: Optional[dict[str, Any]]
    events: list[tuple[float, Event]]


def path_for(db_path: Path) -> Path:
    return db_path.with_name(RECOVERY_NAME)


def write(db_path: Path, unsaved: list[Unsaved]) -> Path:
    """Write (replace) the recovery file atomically and owner-only; raises OSError if even that fails."""
    target = path_for(db_path)
    data = [{"id": u.meeting_id, "method_id": u.method_id, "record": u.record,
             "events": [[at, to_dict(event)] for at, event in u.events]} for u in unsaved]
    temp = target.with_name(target.name + ".tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, target)
    return target


def read(db_path: Path) -> list[Unsaved]:
    target = path_for(db_path)
    if not target.exists():
        return []
    data = json.loads(target.read_text(encoding="utf-8"))
    return [Unsaved(item["id"], item["method_id"], item.get("record"),
                    [(float(at), event_from_dict(event)) for at, event in item.get("events", [])])
            for item in data]


def clear(db_path: Path) -> None:
    try:
        path_for(db_path).unlink()
    except FileNotFoundError:
        pass


def save_on_stop(store, unsaved: list[Unsaved]) -> str:
    """Close the store, keeping what it could not take in the recovery file; one sentence on what happened."""
    if not unsaved:
        clear(store.path)
        store.close()
        return "Alles is bewaard."
    count = sum(len(u.events) + (u.record is not None) for u in unsaved)
    try:
        where = write(store.path, unsaved)
    except OSError:
        return (f"Let op: {count} wijziging(en) in {len(unsaved)} bijeenkomst(en) konden niet worden bewaard, "
                "ook niet in een herstelbestand (schijf vol?). Ze zijn verloren.")
    store.close()
    return (f"De database kon niet alles opslaan: {count} wijziging(en) in {len(unsaved)} bijeenkomst(en) "
            f"staan in {where} en worden bij de volgende start ingelezen.")


def replay_into(store, store_error: type) -> Optional[str]:
    """Put the last stop's recovery file into the store; what could not go in yet stays in the file."""
    try:
        unsaved = read(store.path)
    except (OSError, ValueError, KeyError, TypeError):
        return f"Het herstelbestand {path_for(store.path)} is onleesbaar; het is bewaard."
    if not unsaved:
        return None
    for done, item in enumerate(unsaved):
        try:
            exists = store.meeting(item.meeting_id) is not None
            if not exists and item.record is not None:
                store.create_meeting(item.meeting_id, item.method_id, item.record, 0.0)
                exists = True
            if exists:  # (a meeting deleted since has nothing to come back to)
                store.append(item.meeting_id, item.events)
        except store_error as exc:
            try:
                write(store.path, unsaved[done:])  # never replay the meetings that did go in twice
            except OSError:
                pass
            return f"Het herstelbestand kon nog niet worden ingelezen: {exc}"
    clear(store.path)
    return f"Wat bij het vorige stoppen niet in de database kon ({len(unsaved)} bijeenkomst(en)), is nu bewaard."
