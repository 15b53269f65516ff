"""User methods: a folder of one's own files loads beside the built-ins; `extends` adapts a built-in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from methods import BUILTIN_DIR, load_library

BUILTIN_IDS = {p.stem for p in BUILTIN_DIR.glob("*.toml")}

NEW_METHOD = """\
id = "eigen-rondje"
name = "Eigen rondje"
source = "001_cacb727dbbf46333.txt"
purpose = "Een kort rondje tips voor het team."
total_minutes = 12

[[steps]]
id = "vertellen"
title = "Vertellen"
minutes = 4
speakers = ["inbrenger"]
cue = "{inbrenger}, vertel kort waar je tips over wilt."

[[steps]]
id = "tips"
title = "Tips"
minutes = [6, 8]
speakers = ["deelnemers"]
listeners = ["inbrenger"]
cue = "Geef om de beurt een tip."

[steps.round]
item = "tip"
repeat_until_all_pass = true
"""

# A new method made from the Case Clinic: change minutes, add a step, remove a step.
SHORT_CLINIC = """\
id = "case-clinic-kort"
extends = "case-clinic"
name = "Case Clinic (kort)"
remove_steps = ["journaling"]

[step_changes.dialoog]
minutes = 10

[step_changes.spiegelen.round]
max_rounds = 2

[[add_steps]]
after = "stilte"
id = "adem"
title = "Even ademhalen"
minutes = 1
speakers = []
silence = true
transcribe = false
cue = "Adem even rustig in en uit."
"""

# No id: this replaces the built-in Vissenkom.
MY_VISSENKOM = """\
extends = "vissenkom"
total_note = "Bij ons korter: tien minuten minder analyse."
total_minutes = 55

[step_changes.analyse]
minutes = 5

[step_changes.bewustwording]
minutes = 15
"""


@pytest.fixture
def user_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "data" / "methods"
    folder.mkdir(parents=True)
    (folder / "eigen-rondje.toml").write_text(NEW_METHOD, encoding="utf-8")
    (folder / "case-clinic-kort.toml").write_text(SHORT_CLINIC, encoding="utf-8")
    (folder / "vissenkom.toml").write_text(MY_VISSENKOM, encoding="utf-8")
    return folder


def test_user_methods_load_beside_the_built_ins(user_folder: Path):
    library = load_library(user_folder)
    assert library.errors == []
    assert set(library.methods) == BUILTIN_IDS | {"eigen-rondje", "case-clinic-kort"}

    own = library.get("eigen-rondje")
    assert own.user and own.path == str(user_folder / "eigen-rondje.toml")
    assert own.steps[1].round.item == "tip" and own.steps[1].minutes == (6, 8)
    assert own.step_minutes == (10, 12)


def test_an_extension_changes_adds_and_removes_steps(user_folder: Path):
    library = load_library(user_folder)
    short = library.get("case-clinic-kort")
    builtin = library.get("case-clinic")
    assert short.user and not builtin.user
    assert short.name == "Case Clinic (kort)"
    assert [s.id for s in short.steps] == [
        "rollen", "intentie", "stilte", "adem", "spiegelen", "dialoog", "afsluiting",
    ]
    assert short.step("dialoog").minutes == 10
    assert short.step("adem").silence and short.step("adem").minutes == 1
    # a change to the round keeps the rest of the round
    mirror = short.step("spiegelen").round
    assert mirror.max_rounds == 2
    assert mirror.item == "spiegeling" and mirror.inbrenger_responds == builtin.step("spiegelen").round.inbrenger_responds
    # everything not changed comes from the built-in method
    assert short.source == builtin.source and short.group_size == builtin.group_size
    assert short.step("stilte") == builtin.step("stilte")
    # and the built-in method itself is untouched
    assert [s.id for s in builtin.steps][-1] == "journaling"
    assert builtin.step("dialoog").minutes == 20


def test_an_extension_without_id_replaces_the_built_in(user_folder: Path):
    library = load_library(user_folder)
    vissenkom = library.get("vissenkom")
    assert vissenkom.user
    assert vissenkom.path == str(user_folder / "vissenkom.toml")
    assert vissenkom.step("analyse").minutes == 5
    assert vissenkom.step("bewustwording").minutes == 15
    assert vissenkom.total_minutes == 55 and vissenkom.step_minutes == (55, 55)
    builtin = load_library().get("vissenkom")
    assert vissenkom.name == builtin.name and vissenkom.step("evaluatie") == builtin.step("evaluatie")
    assert len([m for m in library.methods.values() if m.id == "vissenkom"]) == 1


def test_no_user_folder_means_only_built_ins(tmp_path: Path):
    library = load_library(tmp_path / "bestaat-niet")
    assert set(library.methods) == BUILTIN_IDS and library.errors == []


def _listed(result) -> dict[str, dict]:
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", result.stderr
    return {m["id"]: m for m in json.loads(result.stdout)}


def test_list_shows_user_methods_from_the_methods_dir_env(user_folder: Path, run_cli, tmp_path: Path):
    result = run_cli("methods", "list", "--json", env={"FACILITATOR_METHODS_DIR": str(user_folder)})
    listed = _listed(result)
    assert set(listed) == BUILTIN_IDS | {"eigen-rondje", "case-clinic-kort"}
    assert listed["eigen-rondje"]["user"] is True and listed["eigen-rondje"]["steps"] == 2
    assert listed["case-clinic-kort"]["steps"] == 7
    assert listed["vissenkom"]["user"] is True and listed["vissenkom"]["total_minutes"] == 55
    assert listed["case-clinic"]["user"] is False


def test_list_shows_user_methods_from_the_data_dir(user_folder: Path, run_cli, tmp_path: Path):
    data_dir = user_folder.parent
    # --data-dir on the command line
    by_option = _listed(run_cli("--data-dir", str(data_dir), "methods", "list", "--json"))
    assert {"eigen-rondje", "case-clinic-kort"} <= set(by_option)
    # FACILITATOR_DATA_DIR in the environment
    by_env = _listed(run_cli("methods", "list", "--json", env={"FACILITATOR_DATA_DIR": str(data_dir)}))
    assert set(by_env) == set(by_option)
    # `methods folder` names the folder
    folder = run_cli("--data-dir", str(data_dir), "methods", "folder")
    assert folder.returncode == 0 and folder.stdout.strip() == str(user_folder)


def test_show_and_validate_user_methods(user_folder: Path, run_cli):
    env = {"FACILITATOR_METHODS_DIR": str(user_folder)}
    shown = run_cli("methods", "show", "case-clinic-kort", "--json", env=env)
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert [s["title"] for s in data["steps"]][3] == "Even ademhalen"
    assert data["steps"][5]["minutes"] == 10
    # Files already in the folder validate against the rest of the library, not against themselves.
    files = sorted(str(p) for p in user_folder.glob("*.toml"))
    checked = run_cli("methods", "validate", *files, env=env)
    assert checked.returncode == 0, checked.stderr
    assert "In orde: 3 bestanden." in checked.stdout
