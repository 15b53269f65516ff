"""Store tests: real SQLite files in tmp_path, a clock the test moves, the real method library."""

import sys
from pathlib import Path

import pytest

ENGINE_TESTS = str(Path(__file__).parent.parent / "engine")
if ENGINE_TESTS not in sys.path:
    sys.path.insert(0, ENGINE_TESTS)

from engine_sim import Clock, library  # noqa: E402


@pytest.fixture
def clock():
    return Clock(5000.0)


@pytest.fixture
def lib():
    return library()
