"""Malformed method files: one clear message (file, field path, line), the rest still loads, validate exits 1.

Each case is a user folder with one broken file. In the file texts below, `  <<<` marks the
line the message must name; it is removed before the file is written.
"""

from __future__ import annotations

import subprocess
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import pytest

from methods import BUILTIN_DIR, MethodFileError, load_library

BUILTIN_IDS = {p.stem for p in BUILTIN_DIR.glob("*.toml")}
MARK = "  <<<"

GOOD_USER_METHOD = """\
id = "eigen-goed"
name = "Eigen methode"
source = "001_cacb727dbbf46333.txt"
purpose = "Een korte eigen methode."

[[steps]]
id = "vertellen"
title = "Vertellen"
minutes = 5
speakers = ["inbrenger"]
cue = "Vertel je verhaal."
"""

HEAD = """\
id = "{id}"
name = "Kapotte methode"
source = "001_cacb727dbbf46333.txt"
purpose = "Om te testen."
"""


def method(body: str, method_id: str = "kapot") -> str:
    return HEAD.format(id=method_id) + textwrap.dedent(body)


STEP_A = """
[[steps]]
id = "a"
title = "Eerste stap"
minutes = 5
cue = "We beginnen."
"""


@dataclass
class Case:
    id: str
    text: str  # the broken file, with MARK on the line the message names (or none)
    field: str
    message: str  # the start of the message
    others: dict[str, str] = field(default_factory=dict)  # other user files, loaded first
    name: str = "zz-kapot.toml"

    @property
    def clean(self) -> str:
        return self.text.replace(MARK, "")

    @property
    def line(self) -> Optional[int]:
        for number, line in enumerate(self.text.splitlines(), start=1):
            if line.endswith(MARK):
                return number
        return None

    def expected(self, path: Path, **fmt: str) -> str:
        where = f"{path}:{self.line}" if self.line else str(path)
        head = f"{where}: {self.field}: " if self.field else f"{where}: "
        return head + self.message.format(**fmt)


CASES = [
    Case(
        "toml-syntax",
        method(STEP_A + """
            [[steps]]
            id = "b"
            title = "Tweede stap"
            minutes = = 3  <<<
            cue = "Verder."
            """),
        "", "TOML-fout: Invalid value",
    ),
    Case(
        "toml-duplicate-key",
        method("""
            [[steps]]
            id = "a"
            title = "Eerste stap"
            minutes = 5
            minutes = 6  <<<
            cue = "We beginnen."
            """),
        "", "TOML-fout: Cannot overwrite a value",
    ),
    Case(
        "unknown-key",
        method(STEP_A + """
            [[steps]]
            id = "b"
            title = "Tweede stap"
            minutes = 3
            kleur = "rood"  <<<
            cue = "Verder."
            """),
        "steps[1].kleur", "onbekend veld (tikfout?)",
    ),
    Case(
        "unknown-top-level-key",
        method(STEP_A).replace('purpose = "Om te testen."', 'purpose = "Om te testen."\nduur = 5  <<<'),
        "duur", "onbekend veld (tikfout?)",
    ),
    Case(
        "missing-step-field",
        method(STEP_A + """
            [[steps]]  <<<
            id = "b"
            title = "Tweede stap"
            minutes = 3
            """),
        "steps[1].cue", "verplicht veld ontbreekt",
    ),
    Case(
        "missing-top-level-field",  # a missing top-level key has no line
        method(STEP_A).replace('purpose = "Om te testen."\n', ""),
        "purpose", "verplicht veld ontbreekt",
    ),
    Case(
        "negative-minutes",
        method(STEP_A + """
            [[steps]]
            id = "b"
            title = "Tweede stap"
            minutes = -3  <<<
            cue = "Verder."
            """),
        "steps[1].minutes", "minuten mogen niet negatief zijn",
    ),
    Case(
        "negative-minutes-in-a-range",
        method("""
            [[steps]]
            id = "a"
            title = "Eerste stap"
            minutes = [-5, 10]  <<<
            cue = "We beginnen."
            """),
        "steps[0].minutes", "minuten mogen niet negatief zijn",
    ),
    Case(
        "negative-total",
        method(STEP_A).replace('purpose = "Om te testen."', 'purpose = "Om te testen."\ntotal_minutes = -20  <<<'),
        "total_minutes", "minuten mogen niet negatief zijn",
    ),
    Case(
        "round-without-item",
        method(STEP_A + """
            [[steps]]
            id = "b"
            title = "Vragen"
            minutes = 10
            cue = "Stel om de beurt een vraag."

            [steps.round]  <<<
            per_person = 1
            repeat_until_all_pass = true
            """),
        "steps[1].round.item", "verplicht veld ontbreekt",
    ),
    Case(
        "round-unknown-item",
        method("""
            [[steps]]
            id = "a"
            title = "Vragen"
            minutes = 10
            cue = "Stel om de beurt een vraag."

            [steps.round]
            item = "koffie"  <<<
            """),
        "steps[0].round.item", "onbekend item 'koffie'",
    ),
    Case(
        "silence-with-a-round",
        method(STEP_A + """
            [[steps]]  <<<
            id = "b"
            title = "Stilte"
            minutes = 3
            silence = true
            speakers = []
            cue = "We zijn even stil."

            [steps.round]
            item = "vraag"
            """),
        "steps[1]", "een stiltestap kan geen ronde hebben",
    ),
    Case(
        "duplicate-step-id",
        method(STEP_A + STEP_A),
        "", "stap-id 'a' komt twee keer voor",
    ),
    Case(
        "line-after-a-multiline-string",  # a header inside a string must not count as a table
        method('''
            [[steps]]
            id = "a"
            title = "Eerste stap"
            minutes = 5
            cue = "We beginnen."
            description = """
            [[steps]]
            minutes = 1
            """

            [[steps]]
            id = "b"
            title = "Tweede stap"
            minutes = -1  <<<
            cue = "Verder."
            '''),
        "steps[1].minutes", "minuten mogen niet negatief zijn",
    ),
    Case(
        "duplicate-id-two-user-files",
        'id = "dubbel"  <<<\n' + method(STEP_A).split("\n", 1)[1],
        "id", "id 'dubbel' bestaat al (in {other})",
        others={"aa-eerste.toml": method(STEP_A, "dubbel")},
    ),
    Case(
        "builtin-id-without-extends",
        method(STEP_A, "case-clinic").replace('id = "case-clinic"', 'id = "case-clinic"  <<<'),
        "id", "id 'case-clinic' bestaat al (in {builtin})",
    ),
    Case(
        "extends-a-method-that-does-not-exist",
        'id = "mijn-clinic"\nextends = "case-clinik"  <<<\nname = "Mijn clinic"\n',
        "extends", "breidt 'case-clinik' uit, maar die methode bestaat niet. Bedoel je: case-clinic?",
    ),
    Case(
        "step-changes-unknown-step",
        textwrap.dedent("""\
            id = "mijn-clinic"
            extends = "case-clinic"

            [step_changes.dialoog]
            minutes = 15

            [step_changes.koffie]  <<<
            minutes = 5
            """),
        "step_changes.koffie", "stap 'koffie' bestaat niet in 'case-clinic'",
    ),
    Case(
        "step-changes-negative-minutes",
        textwrap.dedent("""\
            id = "mijn-clinic"
            extends = "case-clinic"

            [step_changes.stilte]
            minutes = 3

            [step_changes.dialoog]
            minutes = -15  <<<
            """),
        "step_changes.dialoog.minutes", "minuten mogen niet negatief zijn",
    ),
    Case(
        "step-changes-not-a-table",
        'id = "mijn-clinic"\nextends = "case-clinic"\nstep_changes = 5  <<<\n',
        "step_changes", "moet een tabel zijn",
    ),
    Case(
        "remove-unknown-step",
        'id = "mijn-clinic"\nextends = "case-clinic"\nremove_steps = ["journaling", "koffie"]  <<<\n',
        "remove_steps", "stap 'koffie' bestaat niet in 'case-clinic'",
    ),
    Case(
        "added-step-without-cue",
        textwrap.dedent("""\
            id = "mijn-clinic"
            extends = "case-clinic"

            [[add_steps]]
            after = "stilte"
            id = "adem"
            title = "Adem"
            minutes = 1
            cue = "Adem in."

            [[add_steps]]  <<<
            after = "adem"
            id = "adem-uit"
            title = "Adem uit"
            minutes = 1
            """),
        "add_steps[1].cue", "verplicht veld ontbreekt",
    ),
    Case(
        "added-step-after-unknown-step",
        textwrap.dedent("""\
            id = "mijn-clinic"
            extends = "case-clinic"

            [[add_steps]]
            after = "koffie"  <<<
            id = "adem"
            title = "Adem"
            minutes = 1
            cue = "Adem in."
            """),
        "add_steps[0].after", "'after = \"koffie\"': die stap bestaat niet",
    ),
]


def write_user_folder(root: Path, case: Case, *, with_bad: bool = True) -> tuple[Path, Path]:
    """A user methods folder: a good method, the case's other files and (unless told) the broken one."""
    folder = root / "methods"
    folder.mkdir(parents=True)
    (folder / "eigen-goed.toml").write_text(GOOD_USER_METHOD, encoding="utf-8")
    for name, text in case.others.items():
        (folder / name).write_text(text, encoding="utf-8")
    bad = folder / case.name
    if with_bad:
        bad.write_text(case.clean, encoding="utf-8")
    return folder, bad


def fmt(case: Case, folder: Path) -> dict[str, str]:
    return {
        "other": str(folder / next(iter(case.others), "none")),
        "builtin": str(BUILTIN_DIR / "case-clinic.toml"),
    }


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_library_reports_the_file_and_loads_the_rest(case: Case, tmp_path: Path):
    folder, bad = write_user_folder(tmp_path, case)
    library = load_library(folder)

    assert len(library.errors) == 1, [str(e) for e in library.errors]
    error = library.errors[0]
    assert isinstance(error, MethodFileError)
    assert error.path == str(bad)
    assert error.field == case.field
    assert error.line == case.line, f"{case.id}: line {error.line}, expected {case.line}: {error}"
    assert str(error).startswith(case.expected(bad, **fmt(case, folder))), str(error)

    # Every other method still loads: all built-ins, the good user method, the other files.
    assert BUILTIN_IDS <= set(library.methods)
    assert library.methods["eigen-goed"].user
    assert not any(m.path == str(bad) for m in library.methods.values())
    for name in case.others:
        assert any(m.path == str(folder / name) for m in library.methods.values())
    if case.id == "builtin-id-without-extends":
        assert not library.methods["case-clinic"].user, "the built-in Case Clinic stays"


# The bad inputs of issue 2 each get a `validate` process of their own; the other cases are
# checked together in one process (validate takes several files), to keep the suite fast.
ALONE = {
    "toml-syntax", "unknown-key", "missing-step-field", "missing-top-level-field", "negative-minutes",
    "round-without-item", "duplicate-id-two-user-files", "builtin-id-without-extends",
    "extends-a-method-that-does-not-exist", "step-changes-unknown-step",
}
assert ALONE <= {c.id for c in CASES}


@pytest.fixture(scope="module")
def validated(tmp_path_factory, facilitator_bin: str, make_cli_env) -> dict[str, tuple]:
    """`facilitator methods validate FILE...` for every case, the processes run side by side.

    Each process gets its own data folder with the case's user methods; the broken file is
    checked from outside that folder, against the library it would join.
    """

    def start(root: Path, files: list[Path]) -> subprocess.Popen:
        return subprocess.Popen(
            [facilitator_bin, "methods", "validate", *map(str, files)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
            text=True, encoding="utf-8", env=make_cli_env(root / "data"),
        )

    started = {}
    together_root = tmp_path_factory.mktemp("together")
    together_folder, _ = write_user_folder(together_root / "data", Case("-", "", "", ""), with_bad=False)
    together: list[tuple[Case, Path]] = []
    for case in CASES:
        root = together_root if case.id not in ALONE else tmp_path_factory.mktemp(case.id)
        if case.id in ALONE:
            folder, _ = write_user_folder(root / "data", case, with_bad=False)
        else:
            folder = together_folder
        elsewhere = root / "elders"
        elsewhere.mkdir(exist_ok=True)
        bad = elsewhere / (case.name if case.id in ALONE else f"{case.id}.toml")
        bad.write_text(case.clean, encoding="utf-8")
        if case.id in ALONE:
            started[case.id] = (start(root, [bad]), folder, bad)
        else:
            together.append((case, bad))
    batch = start(together_root, [bad for _, bad in together])
    results = {}
    for case_id, (process, folder, bad) in started.items():
        out, err = process.communicate(timeout=120)
        results[case_id] = (process.returncode, out, err, folder, bad)
    out, err = batch.communicate(timeout=120)
    for case, bad in together:
        results[case.id] = (batch.returncode, out, err, together_folder, bad)
    return results


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_validate_exits_1_with_the_message(case: Case, validated):
    returncode, stdout, stderr, folder, bad = validated[case.id]
    assert returncode == 1, (returncode, stdout, stderr)
    assert case.expected(bad, **fmt(case, folder)) in stderr, stderr
    assert "Traceback" not in stderr
    assert "In orde" not in stdout


def test_validate_a_broken_file_inside_the_user_folder(tmp_path: Path, run_cli):
    case = next(c for c in CASES if c.id == "duplicate-id-two-user-files")
    folder, bad = write_user_folder(tmp_path, case)
    result = run_cli("methods", "validate", str(bad), env={"FACILITATOR_METHODS_DIR": str(folder)})
    assert result.returncode == 1
    assert case.expected(bad, other=str(folder / "aa-eerste.toml")) in result.stderr


def test_validate_reports_every_bad_file_and_a_missing_one(tmp_path: Path, run_cli):
    paths = []
    for case in CASES[:3]:
        path = tmp_path / f"{case.id}.toml"
        path.write_text(case.clean, encoding="utf-8")
        paths.append(path)
    missing = tmp_path / "bestaat-niet.toml"
    result = run_cli("methods", "validate", *map(str, paths), str(missing))
    assert result.returncode == 1
    for case, path in zip(CASES[:3], paths):
        assert case.expected(path) in result.stderr
    assert f"{missing}: bestand niet gevonden" in result.stderr


def test_a_broken_user_file_is_skipped_with_a_warning_by_list(tmp_path: Path, run_cli):
    case = next(c for c in CASES if c.id == "negative-minutes")
    folder, bad = write_user_folder(tmp_path, case)
    result = run_cli("methods", "list", "--json", env={"FACILITATOR_METHODS_DIR": str(folder)})
    assert result.returncode == 0, result.stderr
    assert case.expected(bad) in result.stderr
    assert '"eigen-goed"' in result.stdout and '"case-clinic"' in result.stdout
