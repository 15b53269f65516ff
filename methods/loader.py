"""Load method files (built-in and the user's) into a library, with precise errors."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

from pydantic import ValidationError

from methods.extends import apply_extension
from methods.file_errors import MethodFileError, MethodFileInvalid, decode_error_line, find_line, schema_errors
from methods.model import Method

BUILTIN_DIR = Path(__file__).parent / "library"


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
        line = decode_error_line(str(exc))
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
    steps = data.get("steps")
    if isinstance(steps, list):
        for n, step in enumerate(steps):
            if isinstance(step, dict) and step.get("part") is not None:
                # Only composition writes it (a method run inside another); a file nests with [steps.nest].
                raise MethodFileInvalid([MethodFileError(
                    str(path), "onbekend veld (tikfout?); een methode in een stap geef je op met [steps.nest]",
                    field=f"steps[{n}].part", line=find_line(text, ("steps", n, "part")))])
    data.setdefault("user", user)
    data.setdefault("path", str(path))
    try:
        return Method.model_validate(data)
    except ValidationError as exc:
        raise MethodFileInvalid(schema_errors(exc, text, path, origins)) from None


def load_file(path: Path, *, base: Optional[dict[str, Method]] = None, user: bool = False) -> Method:
    """Load one method file; an `extends` file is applied to its base method."""
    data, text = read_toml(path)
    origins: Optional[list] = None
    if "extends" in data:
        origins = []
        data = apply_extension(data, text, path, base or {}, origins=origins)
    return parse_method(data, text, path, user=user, origins=origins)


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
                line=find_line(text, ("id",)) or find_line(text, ("extends",))))
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
