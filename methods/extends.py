"""`extends`: a user's method file that writes only its difference from a built-in method."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, Optional

from methods.file_errors import MethodFileError, MethodFileInvalid, dotted, find_line
from methods.model import Method


def apply_extension(data: dict[str, Any], text: str, path: Path, base: dict[str, Method],
                    origins: Optional[list] = None) -> dict[str, Any]:
    """Merge a user's changes onto a built-in method without copying it whole.

    A file with `extends = "case-clinic"` may set any top-level field, change
    steps by id (`[step_changes.stilte] minutes = 5`), add steps
    (`[[add_steps]] after = "stilte" ...`) and drop steps (`remove_steps = [..]`).
    If `origins` is given it is filled with, per merged step, where it comes from
    in this file: ("step_changes", id, keys), ("add_steps", n, keys) or None.
    """
    data = dict(data)
    parent_id = data.pop("extends")
    shape = _shape(data, text, path)
    if shape:
        raise MethodFileInvalid(shape)
    if parent_id not in base:
        known = difflib.get_close_matches(str(parent_id), list(base), n=3, cutoff=0.5)
        hint = f" Bedoel je: {', '.join(known)}?" if known else ""
        raise MethodFileInvalid(
            [MethodFileError(str(path), f"breidt '{parent_id}' uit, maar die methode bestaat niet.{hint}",
                             field="extends", line=find_line(text, ("extends",)))]
        )
    parent = base[parent_id].model_dump(exclude={"user", "path"})
    changes = data.pop("step_changes", {}) or {}
    additions = data.pop("add_steps", []) or []
    removals = data.pop("remove_steps", []) or []
    steps = [dict(s) for s in parent["steps"]]
    for data_step, parent_step in zip(steps, base[parent_id].steps):
        data_step.update(dict(parent_step.minutes_templates))  # "{minuten}" follows new minutes
    ids = [s["id"] for s in steps]
    where: list = [None] * len(steps)
    problems: list[MethodFileError] = []
    for step_id, change in changes.items():
        if step_id not in ids:
            problems.append(MethodFileError(str(path), f"stap '{step_id}' bestaat niet in '{parent_id}' (stappen: {', '.join(ids)})",
                                            field=f"step_changes.{step_id}", line=find_line(text, ("step_changes", step_id))))
            continue
        target = steps[ids.index(step_id)]
        change = dict(change)
        if "minutes" in change:
            # The parent's "(standaard)" mark and its note on the figure speak of the parent's
            # minutes, not of the ones this file sets.
            change.setdefault("minutes_default", False)
            change.setdefault("minutes_note", None)
        if isinstance(change.get("round"), dict) and isinstance(target.get("round"), dict):
            # [step_changes.X.round] changes the round's fields, not the whole round.
            change["round"] = {**target["round"], **change["round"]}
        target.update(change)
        where[ids.index(step_id)] = ("step_changes", step_id, frozenset(change))
    for step_id in removals:
        if step_id not in ids:
            problems.append(MethodFileError(str(path), f"stap '{step_id}' bestaat niet in '{parent_id}'",
                                            field="remove_steps", line=find_line(text, ("remove_steps",))))
    kept = [i for i, s in enumerate(steps) if s["id"] not in removals]
    steps = [steps[i] for i in kept]
    where = [where[i] for i in kept]
    for n, added in enumerate(additions):
        added = dict(added)
        after = added.pop("after", None)
        position = len(steps)
        if after is not None:
            current = [s["id"] for s in steps]
            if after not in current:
                problems.append(MethodFileError(str(path), f"'after = \"{after}\"': die stap bestaat niet",
                                                field=f"add_steps[{n}].after", line=find_line(text, ("add_steps", n, "after"))))
                continue
            position = current.index(after) + 1
        steps.insert(position, added)
        where.insert(position, ("add_steps", n, frozenset(added) | {"after"}))
    if problems:
        raise MethodFileInvalid(problems)
    if origins is not None:
        origins[:] = where
    merged = {**parent, **data, "steps": steps}
    merged.setdefault("id", parent_id)
    return merged


def _shape(data: dict[str, Any], text: str, path: Path) -> list[MethodFileError]:
    """The extension keys must be the right kind of TOML value before they are merged."""
    problems: list[MethodFileError] = []

    def bad(loc: tuple, message: str) -> None:
        problems.append(MethodFileError(str(path), message, field=dotted(loc), line=find_line(text, loc)))

    changes = data.get("step_changes", {})
    if not isinstance(changes, dict):
        bad(("step_changes",), "moet een tabel zijn: [step_changes.STAP-ID]")
    else:
        for step_id, change in changes.items():
            if not isinstance(change, dict):
                bad(("step_changes", step_id), "moet een tabel zijn: [step_changes.STAP-ID] met daaronder de velden")
    additions = data.get("add_steps", [])
    if not isinstance(additions, list):
        bad(("add_steps",), "moet een lijst van stappen zijn: [[add_steps]]")
    else:
        for n, added in enumerate(additions):
            if not isinstance(added, dict):
                bad(("add_steps", n), "moet een stap zijn: [[add_steps]] met daaronder de velden")
    removals = data.get("remove_steps", [])
    if not isinstance(removals, list) or not all(isinstance(r, str) for r in removals):
        bad(("remove_steps",), 'moet een lijst van stap-ids zijn: remove_steps = ["stap"]')
    return problems
