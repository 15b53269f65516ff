"""The whole spoken script of a simulated meeting, per method, compared with a stored snapshot.

Regenerate with UPDATE_SNAPSHOTS=1 after a deliberate change, then read the diff as a reviewer:
it is exactly what the facilitator says, and when.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine_sim import library, render_script, simulate

SNAPSHOTS = Path(__file__).parent / "snapshots"
METHOD_IDS = sorted(m.id for m in library())


@pytest.mark.parametrize("method_id", METHOD_IDS)
def test_spoken_script_matches_snapshot(method_id):
    run = simulate(method_id)
    assert run.state.status == "finished"
    text = render_script(run)
    path = SNAPSHOTS / f"{method_id}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1" or not path.exists():
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if os.environ.get("UPDATE_SNAPSHOTS") != "1":
            pytest.fail(f"{path.name} did not exist and was written; read it and run again")
        return
    assert text == path.read_text(encoding="utf-8"), (
        f"The spoken script of {method_id} changed; if that is intended, run with UPDATE_SNAPSHOTS=1 "
        "and review the diff.")


def test_every_method_has_a_snapshot_and_no_stale_ones():
    stored = {p.stem for p in SNAPSHOTS.glob("*.txt")}
    assert stored == set(METHOD_IDS)


def test_the_script_is_deterministic():
    assert render_script(simulate("case-clinic")) == render_script(simulate("case-clinic"))
