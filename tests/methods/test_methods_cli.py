"""`facilitator methods ...` through the installed console script: the JSON contract and the exits."""

from __future__ import annotations

import json
from numbers import Number
from pathlib import Path

import pytest

from methods import BUILTIN_DIR, load_library

BUILTIN_IDS = {p.stem for p in BUILTIN_DIR.glob("*.toml")}
SEEDS = {
    "000_f838c9d122d0677e.txt",
    "001_cacb727dbbf46333.txt",
    "002_50dc465c8a3d1d99.txt",
    "003_800c0db806e02176.txt",
    "004_7e108204413ac4c2.txt",
}


def is_minutes(value) -> bool:
    """The contract's minutes: a number, [min, max], or null."""
    if value is None:
        return True
    if isinstance(value, bool):
        return False
    if isinstance(value, Number):
        return value >= 0
    return (
        isinstance(value, list) and len(value) == 2
        and all(isinstance(v, Number) and not isinstance(v, bool) for v in value)
        and 0 <= value[0] <= value[1]
    )


def test_list_json_contract(run_cli, tmp_path: Path):
    result = run_cli("methods", "list", "--json")
    assert result.returncode == 0, result.stderr
    methods = json.loads(result.stdout)
    assert isinstance(methods, list)
    assert {m["id"] for m in methods} == BUILTIN_IDS
    assert len(methods) == len(BUILTIN_IDS)
    for m in methods:
        assert isinstance(m["id"], str) and m["id"]
        assert isinstance(m["name"], str) and m["name"]
        assert isinstance(m["steps"], int) and not isinstance(m["steps"], bool) and m["steps"] >= 1
        assert is_minutes(m["total_minutes"]), m
        assert m["source"] in SEEDS, m
    by_id = {m["id"]: m for m in methods}
    assert by_id["case-clinic"]["total_minutes"] == [60, 75]
    assert by_id["case-clinic"]["steps"] == 7
    assert by_id["snelle-adviesrondes"]["total_minutes"] == 15
    assert by_id["cirkeltechniek-duo"]["total_minutes"] is None
    # nothing was written outside the test's data folder
    assert not (tmp_path / "data" / "methods").exists() or not any((tmp_path / "data" / "methods").iterdir())


def test_list_human_output(run_cli):
    result = run_cli("methods", "list", env={"COLUMNS": "250"})  # rich folds long ids at 80 columns
    assert result.returncode == 0, result.stderr
    for method in load_library():
        assert method.id in result.stdout


def test_show_json_contract(run_cli):
    result = run_cli("methods", "show", "case-clinic", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["id"] == "case-clinic"
    assert data["name"] == "Case Clinic"
    assert data["total_minutes"] == [60, 75]
    steps = data["steps"]
    assert isinstance(steps, list) and len(steps) == 7
    for step in steps:
        assert isinstance(step["title"], str) and step["title"]
        assert is_minutes(step["minutes"]), step
        assert isinstance(step["speakers"], list) and all(isinstance(s, str) for s in step["speakers"])
        assert isinstance(step["silence"], bool)
        assert isinstance(step["cue"], str) and step["cue"]
        round_ = step["round"]
        assert round_ is None or isinstance(round_, dict)
        if round_ is not None:
            assert isinstance(round_["item"], str) and round_["item"]
            assert isinstance(round_["per_person"], int) and round_["per_person"] >= 1
            assert isinstance(round_["repeat_until_all_pass"], bool)
            assert isinstance(round_["pass_allowed"], bool)
    assert [s["minutes"] for s in steps] == [2, [10, 15], 3, 10, 20, 8, 2]
    assert steps[2]["silence"] is True and steps[2]["round"] is None and steps[2]["speakers"] == []
    assert steps[3]["round"]["item"] == "spiegeling"
    assert steps[1]["speakers"] == ["inbrenger"]


@pytest.mark.parametrize("method_id", ["progressiegerichte-intervisie", "balintmethode"])
def test_show_json_for_other_methods(run_cli, method_id: str):
    result = run_cli("methods", "show", method_id, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    method = load_library().get(method_id)
    assert data["id"] == method_id and len(data["steps"]) == len(method.steps)
    assert all(is_minutes(s["minutes"]) for s in data["steps"])
    if method_id == "balintmethode":
        assert data["steps"][3]["minutes"] is None  # the source gives stap 4 no time
    else:
        assert data["steps"][1]["round"]["repeat_until_all_pass"] is True


def test_show_human_output_reads_like_the_source(run_cli):
    result = run_cli("methods", "show", "case-clinic")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    method = load_library().get("case-clinic")
    for step in method.steps:
        assert step.title in out
        assert step.cue in out
    positions = [out.index(s.title) for s in method.steps]
    assert positions == sorted(positions), "the steps are shown in order"
    assert "Stilte" in out and "10–15" in out
    assert "Vond je het nuttig?" not in out  # (that is method 001's closing question)


def test_show_human_output_has_the_closing_questions(run_cli):
    result = run_cli("methods", "show", "progressiegerichte-intervisie")
    assert result.returncode == 0, result.stderr
    assert "vond je het nuttig?" in result.stdout.lower()


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [("case-clinik", ["case-clinic"]), ("socratisch", ["socratisch-gesprek"]), ("rodel", ["roddelmethode"])],
)
def test_unknown_id_exits_2_and_suggests(run_cli, typed: str, suggested: list[str]):
    result = run_cli("methods", "show", typed)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert f"Onbekende methode '{typed}'" in result.stderr
    for method_id in suggested:
        assert method_id in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


def test_unknown_id_with_json_exits_2(run_cli):
    result = run_cli("methods", "show", "xyzzy", "--json")
    assert result.returncode == 2
    assert "Onbekende methode 'xyzzy'" in result.stderr and result.stdout == ""


def test_validate_a_good_file_exits_0(run_cli, tmp_path: Path):
    good = tmp_path / "mijn-methode.toml"
    good.write_text(
        'id = "mijn-methode"\nname = "Mijn methode"\nsource = "000_f838c9d122d0677e.txt"\n'
        'purpose = "Even kort."\n\n[[steps]]\nid = "a"\ntitle = "Alles"\nminutes = 5\ncue = "We beginnen."\n',
        encoding="utf-8",
    )
    result = run_cli("methods", "validate", str(good))
    assert result.returncode == 0, result.stderr
    assert "In orde: 1 bestand." in result.stdout
    assert result.stderr == ""


def test_validate_the_built_in_files_exits_0(run_cli):
    # Someone editing the library checks the built-in files themselves: they are no duplicates of themselves.
    result = run_cli("methods", "validate", *sorted(str(p) for p in BUILTIN_DIR.glob("*.toml")))
    assert result.returncode == 0, result.stderr
    assert f"In orde: {len(BUILTIN_IDS)} bestanden." in result.stdout


def test_validate_a_copy_of_a_built_in_is_a_duplicate(run_cli, tmp_path: Path):
    copy = tmp_path / "case-clinic.toml"
    copy.write_text((BUILTIN_DIR / "case-clinic.toml").read_text(encoding="utf-8"), encoding="utf-8")
    result = run_cli("methods", "validate", str(copy))
    assert result.returncode == 1
    assert f"{copy}:2: id: id 'case-clinic' bestaat al" in result.stderr
    assert 'extends = "case-clinic"' in result.stderr


def test_validate_without_files_is_a_usage_error(run_cli):
    result = run_cli("methods", "validate")
    assert result.returncode == 2
