"""Load method files (built-in and the user's) into a library, with precise errors."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

from pydantic import ValidationError

from methods.model import Method

BUILTIN_DIR = Path(__file__).parent / "library"


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


class UnknownMethod(KeyError):
    def __init__(self, method_id: str, suggestions: list[str]):
        super().__init__(method_id)
        self.method_id = method_id
        self.suggestions = suggestions

    def __str__(self) -> str:
        text = f"Onbekende methode '{self.method_id}'."
        if self.suggestions:
            text += " Bedoel je: " + ", ".join(self.suggestions) + "?"
        text += " Zie 'facilitator methods list'."
        return text


@dataclass
class Library:
    """All methods that loaded, and the errors of the files that did not."""

    methods: dict[str, Method] = field(default_factory=dict)
    errors: list[MethodFileError] = field(default_factory=list)

    def get(self, method_id: str) -> Method:
        try:
            return self.methods[method_id]
        except KeyError:
            raise UnknownMethod(method_id, self.suggest(method_id)) from None

    def suggest(self, method_id: str) -> list[str]:
        ids = list(self.methods)
        close = difflib.get_close_matches(method_id, ids, n=3, cutoff=0.5)
        if not close:
            close = [i for i in ids if method_id.lower() in i][:3]
        return close

    def __iter__(self):
        return iter(sorted(self.methods.values(), key=lambda m: (m.source, m.id)))

    def __len__(self) -> int:
        return len(self.methods)


def read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """Parse one file; a syntax error becomes a MethodFileInvalid with its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MethodFileInvalid([MethodFileError(str(path), f"kan het bestand niet lezen ({exc})")])
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        line = _decode_error_line(str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise MethodFileInvalid(
            [MethodFileError(str(path), f"TOML-fout: {message}", line=line)]
        ) from None


def parse_method(data: dict[str, Any], text: str, path: Path, *, user: bool = False,
                 origins: Optional[list] = None) -> Method:
    """Validate a parsed file against the schema.

    `origins` (from apply_extension) says where each merged step comes from in
    the file, so an error names `step_changes.X` or `add_steps[N]`, not `steps[N]`.
    """
    data = dict(data)
    data.setdefault("user", user)
    data.setdefault("path", str(path))
    try:
        return Method.model_validate(data)
    except ValidationError as exc:
        raise MethodFileInvalid(_errors(exc, text, path, origins)) from None


def load_file(path: Path, *, base: Optional[dict[str, Method]] = None, user: bool = False) -> Method:
    """Load one method file; an `extends` file is applied to its base method."""
    data, text = read_toml(path)
    origins: Optional[list] = None
    if "extends" in data:
        origins = []
        data = apply_extension(data, text, path, base or {}, origins=origins)
    return parse_method(data, text, path, user=user, origins=origins)


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
    shape = _extension_shape(data, text, path)
    if shape:
        raise MethodFileInvalid(shape)
    if parent_id not in base:
        known = difflib.get_close_matches(str(parent_id), list(base), n=3, cutoff=0.5)
        hint = f" Bedoel je: {', '.join(known)}?" if known else ""
        raise MethodFileInvalid(
            [MethodFileError(str(path), f"breidt '{parent_id}' uit, maar die methode bestaat niet.{hint}",
                             field="extends", line=_find_line(text, ("extends",)))]
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
                                            field=f"step_changes.{step_id}", line=_find_line(text, ("step_changes", step_id))))
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
                                            field="remove_steps", line=_find_line(text, ("remove_steps",))))
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
                                                field=f"add_steps[{n}].after", line=_find_line(text, ("add_steps", n, "after"))))
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


def _extension_shape(data: dict[str, Any], text: str, path: Path) -> list[MethodFileError]:
    """The extension keys must be the right kind of TOML value before they are merged."""
    problems: list[MethodFileError] = []

    def bad(loc: tuple, message: str) -> None:
        problems.append(MethodFileError(str(path), message, field=_dotted(loc), line=_find_line(text, loc)))

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


def load_library(user_dir: Optional[Path] = None, extra_files: Iterable[Path] = (),
                 *, exclude: Iterable[Path] = ()) -> Library:
    """Built-in methods, then the user's folder; a broken file never stops the rest.

    `exclude`: user files to leave out (validate checks them against the rest).
    """
    library = Library()
    for path in sorted(BUILTIN_DIR.glob("*.toml")):
        _add(library, path, user=False)
    user_files: list[Path] = []
    if user_dir is not None and user_dir.is_dir():
        skip = {p.resolve() for p in exclude}
        user_files = [p for p in sorted(user_dir.glob("*.toml")) if p.resolve() not in skip]
    for path in [*user_files, *extra_files]:
        _add(library, path, user=True)
    return library


def _add(library: Library, path: Path, *, user: bool) -> None:
    try:
        method = load_file(path, base=library.methods, user=user)
    except MethodFileInvalid as exc:
        library.errors.extend(exc.errors)
        return
    existing = library.methods.get(method.id)
    if existing is not None:
        text = path.read_text(encoding="utf-8")
        # Only a user file that extends a built-in method may take its id (and replace it).
        replaces = user and not existing.user and tomllib.loads(text).get("extends") == method.id
        if not replaces:
            # Two files claim one id: keep the first, report the second.
            hint = f" Gebruik extends = \"{method.id}\" om die methode aan te passen." if not existing.user else ""
            library.errors.append(MethodFileError(
                str(path), f"id '{method.id}' bestaat al (in {existing.path}).{hint}", field="id",
                line=_find_line(text, ("id",)) or _find_line(text, ("extends",))))
            return
    library.methods[method.id] = method


def validate_files(paths: Iterable[Path], user_dir: Optional[Path] = None) -> list[MethodFileError]:
    """Check files a user wrote against the library they would join.

    The files are checked as if they were (the last of) the user's folder: a file
    that already sits in that folder is left out of the library it is checked
    against, so it does not clash with itself.
    """
    paths = list(paths)
    library = load_library(user_dir, exclude=[p for p in paths if p.exists()])
    errors: list[MethodFileError] = []
    for path in paths:
        if not path.is_file():
            errors.append(MethodFileError(str(path), "bestand niet gevonden"))
            continue
        if path.resolve().parent == BUILTIN_DIR.resolve():
            # A built-in file itself (someone editing the library): check it, it is no duplicate of itself.
            try:
                load_file(path, base=library.methods)
            except MethodFileInvalid as exc:
                errors.extend(exc.errors)
            continue
        before = len(library.errors)
        _add(library, path, user=True)
        errors.extend(library.errors[before:])
    return errors


# -- error locations -------------------------------------------------------

def _errors(exc: ValidationError, text: str, path: Path, origins: Optional[list] = None) -> list[MethodFileError]:
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
            loc = _extension_loc(loc, origins)
        message = _message(err)
        result.append(MethodFileError(str(path), message, field=_dotted(loc), line=_find_line(text, loc)))
    # A union reports one error per branch; keep one per field.
    unique: dict[tuple[str, Optional[int]], MethodFileError] = {}
    for e in result:
        unique.setdefault((e.field, e.line), e)
    return list(unique.values())


def _extension_loc(loc: tuple, origins: list) -> tuple:
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


def _dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _find_line(text: str, loc: tuple) -> Optional[int]:
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
        return _find_line(text, tuple(target[:-1])) if len(target) > 1 else None
    return best


def _decode_error_line(message: str) -> Optional[int]:
    m = re.search(r"at line (\d+)", message)
    return int(m.group(1)) if m else None
