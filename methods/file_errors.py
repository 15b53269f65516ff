"""What is wrong with a method file, in words a person can act on: the message, the field and
the line (tomllib gives no positions, so the line is found by walking the file's tables)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from pydantic import ValidationError


@dataclass(frozen=True)
class MethodFileError:
    """One thing wrong with one method file, in words a person can act on."""

    path: str
    message: str
    field: str = ""
    line: Optional[int] = None

    def __str__(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}"
        if self.field:
            return f"{where}: {self.field}: {self.message}"
        return f"{where}: {self.message}"


class MethodFileInvalid(Exception):
    def __init__(self, errors: list[MethodFileError]):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


def schema_errors(exc: ValidationError, text: str, path: Path, origins: Optional[list] = None) -> list[MethodFileError]:
    result = []
    raw = exc.errors()
    for err in raw:
        if err["type"] == "too_short" and any(
            len(other["loc"]) > len(err["loc"]) and other["loc"][: len(err["loc"])] == err["loc"] for other in raw
        ):
            # pydantic also calls a list "too short" when one of its items is invalid: noise.
            continue
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("function-", "tuple["))))
        # pydantic reports union branches as extra loc parts ('float', 'tuple[...]'); drop them.
        loc = tuple(p for p in loc if p not in ("float", "int", "str", "bool"))
        if origins is not None:
            loc = extension_loc(loc, origins)
        message = _message(err)
        result.append(MethodFileError(str(path), message, field=dotted(loc), line=find_line(text, loc)))
    # A union reports one error per branch; keep one per field.
    unique: dict[tuple[str, Optional[int]], MethodFileError] = {}
    for e in result:
        unique.setdefault((e.field, e.line), e)
    return list(unique.values())


def _message(err: dict[str, Any]) -> str:
    kind = err["type"]
    if kind == "missing":
        return "verplicht veld ontbreekt"
    if kind == "extra_forbidden":
        return "onbekend veld (tikfout?)"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"ongeldige waarde {err.get('input')!r}; toegestaan: {expected}"
    if kind == "value_error":
        return str(err.get("ctx", {}).get("error", err["msg"]))
    if kind == "too_short":
        return "mag niet leeg zijn"
    if kind in ("greater_than_equal", "greater_than"):
        return f"moet minstens {err.get('ctx', {}).get('ge', err.get('ctx', {}).get('gt'))} zijn"
    return f"{err['msg']} (gekregen: {err.get('input')!r})"


def dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def find_line(text: str, loc: tuple) -> Optional[int]:
    """Best-effort line of a field: tomllib gives no positions, so walk the tables."""
    lines = text.splitlines()
    table: list = []  # path of the current [table] / [[array]] header, with array indexes
    counters: dict[tuple, int] = {}
    best: Optional[int] = None
    target = list(loc)
    in_string: Optional[str] = None  # inside a multi-line string: no keys or headers there
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if in_string is not None:
            if line.count(in_string) % 2 == 1:
                in_string = None
            continue
        for quote in ('"""', "'''"):
            if line.count(quote) % 2 == 1:
                in_string = quote
                break
        header = re.match(r"^\[\[\s*([^\]]+?)\s*\]\]", line) or re.match(r"^\[\s*([^\]]+?)\s*\]", line)
        if header:
            names = [n.strip().strip('"') for n in header.group(1).split(".")]
            is_array = line.startswith("[[")
            path: list = []
            for i, name in enumerate(names):
                path.append(name)
                key = tuple(path)
                if i == len(names) - 1 and is_array:
                    counters[key] = counters.get(key, -1) + 1
                if key in counters:
                    path.append(counters[key])
            table = path
            if table == target[: len(table)] and len(table) >= len(target):
                return number
            continue
        m = re.match(r'^"?([A-Za-z0-9_\-]+)"?\s*=', line)
        if m:
            full = [*table, m.group(1)]
            if full == target[: len(full)]:
                best = number
                if len(full) == len(target) or isinstance(target[len(full)], int):
                    return number
    if best is None and target and isinstance(target[-1], (str, int)):
        return find_line(text, tuple(target[:-1])) if len(target) > 1 else None
    return best


def decode_error_line(message: str) -> Optional[int]:
    m = re.search(r"at line (\d+)", message)
    return int(m.group(1)) if m else None


def extension_loc(loc: tuple, origins: list) -> tuple:
    """steps[N].x of a merged extension -> where the file says it: step_changes.ID.x or add_steps[K].x."""
    if len(loc) < 2 or loc[0] != "steps" or not isinstance(loc[1], int) or loc[1] >= len(origins):
        return loc
    origin = origins[loc[1]]
    if origin is None:
        return loc  # an inherited step the file does not touch
    table, key, keys = origin
    rest = loc[2:]
    if table == "add_steps" or (rest and rest[0] in keys):
        return (table, key, *rest)
    return (table, key)
