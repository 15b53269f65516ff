"""Setting a meeting up: clear errors for impossible setups, a warning outside the group size,
and an engine that stays pure (no voice, web, sqlite3, sounddevice or vosk)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import facilitator.engine
from engine_sim import PEOPLE, Run, custom_method, library
from facilitator.engine import SetupError, make_setup, new_state
from methods import UnknownMethod

ENGINE_DIR = Path(facilitator.engine.__file__).parent
FORBIDDEN = ("voice", "web", "sqlite3", "sounddevice", "vosk")


def test_unknown_method_is_a_clear_error_with_suggestions():
    with pytest.raises(UnknownMethod) as info:
        library().get("case-clinc")
    text = str(info.value)
    assert "case-clinc" in text and "case-clinic" in text
    assert text.count("\n") == 0


@pytest.mark.parametrize("participants", [[], ["Anna"], ["Anna", "  "], ["", "Anna", " "]])
def test_fewer_than_two_participants(participants):
    with pytest.raises(SetupError, match="minstens twee deelnemers"):
        make_setup(library().get("case-clinic"), participants, "Anna")


def test_inbrenger_must_be_among_the_participants():
    with pytest.raises(SetupError) as info:
        make_setup(library().get("case-clinic"), PEOPLE, "Zoë")
    assert "Zoë" in str(info.value) and "Anna, Ben, Carla, Dirk, Eva" in str(info.value)


def test_inbrenger_and_procesbegeleider_are_matched_without_case_or_extra_spaces():
    setup = make_setup(library().get("case-clinic"), [" Anna ", "Ben", "Carla  van  Dijk"], "anna",
                       procesbegeleider="carla van dijk")
    assert setup.inbrenger == "Anna"
    assert setup.procesbegeleider == "Carla van Dijk"
    assert setup.participants == ("Anna", "Ben", "Carla van Dijk")


@pytest.mark.parametrize("names", [["Anna", "Ben", "Anna"], ["Anna", "Ben", "anna"], ["Anna", "Ben", " Ben "]])
def test_duplicate_names_are_refused(names):
    with pytest.raises(SetupError, match="uniek"):
        make_setup(library().get("case-clinic"), names, "Anna")


def test_procesbegeleider_must_be_a_participant_and_not_the_inbrenger():
    method = library().get("case-clinic")
    with pytest.raises(SetupError, match="procesbegeleider 'Zoë'"):
        make_setup(method, PEOPLE, "Anna", procesbegeleider="Zoë")
    with pytest.raises(SetupError, match="niet ook de procesbegeleider"):
        make_setup(method, PEOPLE, "Anna", procesbegeleider="Anna")


def test_unknown_options_are_refused():
    with pytest.raises(SetupError, match="Onbekende optie"):
        make_setup(library().get("case-clinic"), PEOPLE, "Anna", options={"warp_speed": True})


def test_setup_errors_are_one_sentence():
    method = library().get("case-clinic")
    for args in ((["Anna"], "Anna"), (PEOPLE, "Zoë"), (["Anna", "anna"], "Anna")):
        with pytest.raises(SetupError) as info:
            make_setup(method, *args)
        assert "\n" not in str(info.value) and str(info.value).endswith(".")


def test_group_size_warning_outside_the_methods_range():
    method = library().get("case-clinic")  # 4 to 5 people
    assert make_setup(method, PEOPLE, "Anna").warnings == ()
    assert make_setup(method, PEOPLE[:4], "Anna").warnings == ()
    small = make_setup(method, PEOPLE[:3], "Anna")
    assert len(small.warnings) == 1 and "4 tot 5" in small.warnings[0] and "3" in small.warnings[0]
    big = make_setup(method, PEOPLE + ("Fenna",), "Anna")
    assert "6" in big.warnings[0]
    # The warning is a notice on the screen, not a refusal: the meeting can start.
    run = Run(new_state(small))
    assert run.state.health.notices == small.warnings
    run.cmd("start")
    assert run.state.status == "running"


def test_method_without_group_size_never_warns():
    method = custom_method({})
    assert make_setup(method, ["A", "B"], "A").warnings == ()


# -- purity -------------------------------------------------------------------------


def test_importing_the_engine_loads_no_adapter_modules():
    code = ("import sys, json; import facilitator.engine, facilitator.engine.core, facilitator.engine.view, "
            "facilitator.engine.phrases, facilitator.engine.state, facilitator.events; "
            "print(json.dumps(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    loaded = json.loads(out.stdout)
    bad = [m for m in loaded if m.split(".")[0] in FORBIDDEN]
    assert bad == [], f"the engine pulled in {bad}"
    # Nor the store or the service: the engine is the inner ring.
    assert "facilitator.store" not in loaded and "facilitator.service" not in loaded


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "__import__":
            names.add("<dynamic __import__>")
        elif isinstance(node, ast.Attribute) and node.attr == "import_module":
            names.add("<importlib.import_module>")
    return names


@pytest.mark.parametrize("path", sorted(ENGINE_DIR.glob("*.py")), ids=lambda p: p.name)
def test_engine_files_import_nothing_of_the_adapters(path):
    names = _imports(path)
    assert not [n for n in names if n.startswith("<")], "no dynamic imports in the engine"
    bad = sorted(n for n in names if n.split(".")[0] in FORBIDDEN
                 or n in ("facilitator.store", "facilitator.service", "facilitator.runner")
                 or n.startswith("facilitator.cli"))
    assert bad == []
    # No clock, no sleeping, no files: the engine gets time as `now`.
    assert not names & {"time", "datetime", "os", "threading", "asyncio", "random", "pathlib", "socket"}


def test_events_module_is_plain_too():
    names = _imports(ENGINE_DIR.parent / "events.py")
    assert all(n.split(".")[0] in ("__future__", "dataclasses", "typing") for n in names), names
