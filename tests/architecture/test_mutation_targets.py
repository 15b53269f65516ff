"""benchmarks/mutations.py plants each fault by replacing one exact piece of product source. When the
code moves, a mutation silently stops being planted ("missing"); this keeps the list true."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _mutations_module():
    spec = importlib.util.spec_from_file_location("benchmark_mutations", REPO / "benchmarks" / "mutations.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["benchmark_mutations"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_every_planted_fault_finds_its_one_place_and_its_tests():
    m = _mutations_module()
    for mutation in m.MUTATIONS:
        edits = [(mutation.path, mutation.old, mutation.new)] + (
            [m._SECOND[mutation.name]] if mutation.name in m._SECOND else [])
        for path, old, new in edits:
            source = (REPO / path).read_text(encoding="utf-8")
            assert source.count(old) == 1, f"{mutation.name}: {path} holds {source.count(old)} copies of {old!r}"
            assert old != new
        for test in mutation.tests:
            assert (REPO / test.split("::")[0]).exists(), f"{mutation.name}: no {test}"
    assert len(m.MUTATIONS) >= 21
