"""Fixtures shared by all test folders: the installed console script, run in a private data folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable, Optional

import pytest


def _console_script() -> str:
    # The venv's own bin folder first: that is the installed package under test.
    local = Path(sys.executable).parent / "facilitator"
    if local.is_file() and os.access(local, os.X_OK):
        return str(local)
    found = shutil.which("facilitator")
    if found:
        return found
    pytest.fail("the console script 'facilitator' is not installed (pip install -e .)")
    raise AssertionError  # unreachable


@pytest.fixture(scope="session")
def facilitator_bin() -> str:
    """Path of the installed `facilitator` console script."""
    return _console_script()


def private_env(data_dir: Path) -> dict[str, str]:
    """Environment for a subprocess: `data_dir` as its data folder, no other FACILITATOR_ settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACILITATOR_")}
    env["FACILITATOR_DATA_DIR"] = str(data_dir)
    env["PYTHONIOENCODING"] = "utf-8"
    return env


@pytest.fixture(scope="session")
def make_cli_env() -> Callable[[Path], dict[str, str]]:
    """make_cli_env(data_dir) -> environment, for subprocesses started outside a single test."""
    return private_env


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    """Environment for a subprocess: its own empty data folder (tmp_path/data), no user methods folder."""
    return private_env(tmp_path / "data")


@pytest.fixture
def run_cli(facilitator_bin: str, cli_env: dict[str, str]) -> Callable[..., subprocess.CompletedProcess]:
    """run_cli("methods", "list", "--json", env={...}) -> CompletedProcess with text output."""

    def run(*args: str, env: Optional[dict[str, str]] = None, timeout: float = 60) -> subprocess.CompletedProcess:
        full_env = {**cli_env, **(env or {})}
        return subprocess.run(
            [facilitator_bin, *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=full_env,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )

    return run


def pytest_terminal_summary(terminalreporter, config):
    # The suite runs in a random order; -q hides pytest-randomly's header, so say the seed at the end,
    # where a failing run's reader looks: `scripts/test --randomly-seed=N` repeats the order.
    if config.pluginmanager.hasplugin("randomly"):
        seed = config.getoption("randomly_seed", None)
        if seed is not None and seed != "default":
            terminalreporter.write_line(f"random order: --randomly-seed={seed}")
