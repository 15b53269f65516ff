"""The whole spoken script of a simulated meeting, per method, compared with a stored snapshot.

Regenerate with UPDATE_SNAPSHOTS=1 after a deliberate change, then read the diff as a reviewer:
it is exactly what the facilitator says, and when.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine_sim import compare_snapshot, library, render_script, simulate

SNAPSHOTS = Path(__file__).parent / "snapshots"
METHOD_IDS = sorted(m.id for m in library())


@pytest.mark.parametrize("method_id", METHOD_IDS)
def test_spoken_script_matches_snapshot(method_id):
    run = simulate(method_id)
    assert run.state.status == "finished"
    text = render_script(run)
    compare_snapshot(SNAPSHOTS / f"{method_id}.txt", text, method_id)


def test_every_method_has_a_snapshot_and_no_stale_ones():
    stored = {p.stem for p in SNAPSHOTS.glob("*.txt")}
    assert stored == set(METHOD_IDS)


def test_the_script_is_deterministic():
    assert render_script(simulate("case-clinic")) == render_script(simulate("case-clinic"))
