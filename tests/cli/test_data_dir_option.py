"""--data-dir works before and after the subcommand, as people type it ("facilitator serve --data-dir DIR")."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from facilitator.cli import cli
from facilitator.service import MeetingService
from methods import load_library


@pytest.fixture
def folder_with_a_meeting(tmp_path):
    folder = tmp_path / "elders"
    MeetingService(folder, load_library(None)).create("case-clinic", ["Anna", "Ben", "Carla", "Dirk"], "Anna")
    return folder


@pytest.mark.parametrize("where", ["before", "after", "after="])
def test_data_dir_is_read_wherever_it_stands(folder_with_a_meeting, tmp_path, monkeypatch, where):
    monkeypatch.setenv("FACILITATOR_DATA_DIR", str(tmp_path / "standaard"))
    monkeypatch.setenv("FACILITATOR_METHODS_DIR", str(tmp_path / "geen-methodes"))
    folder = str(folder_with_a_meeting)
    args = {"before": ["--data-dir", folder, "meetings", "list"],
            "after": ["meetings", "list", "--data-dir", folder],
            "after=": ["meetings", f"--data-dir={folder}", "list"]}[where]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "Case Clinic" in result.output and "Anna" in result.output


def test_a_subcommand_option_is_left_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("FACILITATOR_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(cli, ["plan", "case-clinic", "--participants", "Anna,Ben,Carla,Dirk", "--data-dir",
                                      str(tmp_path / "x"), "--start", "14:00"])
    assert result.exit_code == 0, result.output
    assert "14:00" in result.output
