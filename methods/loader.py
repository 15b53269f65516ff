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


def parse_method(data: dict[str, Any], text: str, path: Path, *, user: bool = False) -> Method:
    """Validate a parsed file against the schema."""
    data = dict(data)
    data.setdefault("user", user)
    data.setdefault("path", str(path))
    try:
        return Method.model_validate(data)
    except ValidationError as exc:
        raise MethodFileInvalid(_errors(exc, text, path)) from None


def load_file(path: Path, *, base: Optional[dict[str, Method]] = None, user: bool = False) -> Method:
    """Load one method file; an `extends` file is applied to its base method."""
    data, text = read_toml(path)
    if "extends" in data:
        data = apply_extension(data, text, path, base or {})
    return parse_method(data, text, path, user=user)


def apply_extension(data: dict[str, Any], text: str, path: Path, base: dict[str, Method]) -> dict[str, Any]:
    """Merge a user's changes onto a built-in method without copying it whole.

    A file with `extends = "case-clinic"` may set any top-level field, change
    steps by id (`[step_changes.stilte] minutes = 5`), add steps
    (`[[add_steps]] after = "stilte" ...`) and drop steps (`remove_steps = [..]`).
    """
    data = dict(data)
    parent_id = data.pop("extends")
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
    ids = [s["id"] for s in steps]
    problems: list[MethodFileError] = []
    for step_id, change in changes.items():
        if step_id not in ids:
            problems.append(MethodFileError(str(path), f"stap '{step_id}' bestaat niet in '{parent_id}' (stappen: {', '.join(ids)})",
                                            field=f"step_changes.{step_id}", line=_find_line(text, ("step_changes", step_id))))
            continue
        steps[ids.index(step_id)].update(change)
    for step_id in removals:
        if step_id not in ids:
            problems.append(MethodFileError(str(path), f"stap '{step_id}' bestaat niet in '{parent_id}'",
                                            field="remove_steps", line=_find_line(text, ("remove_steps",))))
    steps = [s for s in steps if s["id"] not in removals]
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
    if problems:
        raise MethodFileInvalid(problems)
    merged = {**parent, **data, "steps": steps}
    merged.setdefault("id", parent_id)
    return merged


def load_library(user_dir: Optional[Path] = None, extra_files: Iterable[Path] = ()) -> Library:
    """Built-in methods, then the user's folder; a broken file never stops the rest."""
    library = Library()
    for path in sorted(BUILTIN_DIR.glob("*.toml")):
        _add(library, path, user=False)
    user_files: list[Path] = []
    if user_dir is not None and user_dir.is_dir():
        user_files = sorted(user_dir.glob("*.toml"))
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
    if existing is not None and not (user and not existing.user):
        # Two files claim one id: keep the first, report the second.
        library.errors.append(MethodFileError(
            str(path), f"id '{method.id}' bestaat al (in {existing.path})", field="id",
            line=_find_line(path.read_text(encoding="utf-8"), ("id",))))
        return
    library.methods[method.id] = method


def validate_files(paths: Iterable[Path], user_dir: Optional[Path] = None) -> list[MethodFileError]:
    """Check files a user wrote against the library they would join."""
    library = load_library(user_dir)
    errors: list[MethodFileError] = []
    for path in paths:
        if not path.exists():
            errors.append(MethodFileError(str(path), "bestand niet gevonden"))
            continue
        try:
            load_file(path, base=library.methods, user=True)
        except MethodFileInvalid as exc:
            errors.extend(exc.errors)
    return errors


# -- error locations -------------------------------------------------------

def _errors(exc: ValidationError, text: str, path: Path) -> list[MethodFileError]:
    result = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("function-", "tuple["))))
        # pydantic reports union branches as extra loc parts ('float', 'tuple[...]'); drop them.
        loc = tuple(p for p in loc if p not in ("float", "int", "str", "bool"))
        message = _message(err)
        result.append(MethodFileError(str(path), message, field=_dotted(loc), line=_find_line(text, loc)))
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
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
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
