"""Spoken scripts of meetings that do not run straight through: a pause, an extend, a step back, and a
round where passing is not allowed (someone tries). Snapshots in tests/engine/snapshots_variants/.

Each variant begins the scripted meeting through the engine's own commands, then lets the snapshot
simulation finish it. Regenerate with UPDATE_SNAPSHOTS=1 after a deliberate change and read the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine_sim import Run, compare_snapshot, mmss, render_script, simulate
from facilitator.engine import view
from facilitator.events import Rejected

SNAPSHOTS = Path(__file__).parent / "snapshots_variants"


def _remaining(run: Run) -> float:
    return view(run.state, run.t)["step"]["remaining_seconds"]


def _turn(run: Run):
    rnd = view(run.state, run.t)["step"]["round"]
    return rnd["turn"] if rnd else None


def paused(run: Run) -> None:
    """A coffee break in the middle of the intentie: ten minutes that count for nothing."""
    run.cmd("next_step")
    run.wait(200)
    run.cmd("pause")
    run.wait(600)
    run.cmd("resume")


def extended(run: Run) -> None:
    """At the warning in the intentie, "nog een minuut": the end comes a minute later."""
    run.cmd("next_step")
    run.wait(_remaining(run) - 60)
    run.cmd("extend", seconds=60)


def went_back(run: Run) -> None:
    """On to the silence, then back to the intentie ("vorige stap"), which starts again."""
    run.cmd("next_step")
    run.wait(120)
    run.cmd("next_step")
    run.wait(10)
    run.cmd("previous_step")


def tried_to_pass(run: Run) -> None:
    """In AKAD's round of introductions passing is not allowed: Ben says "ik pas" anyway."""
    run.cmd("next_step")
    assert _turn(run) == "Ben"
    run.t += 3
    run.cmd("pass", by="Ben")


VARIANTS = {
    "case-clinic-pauze": ("case-clinic", paused),
    "case-clinic-verlengd": ("case-clinic", extended),
    "case-clinic-terug": ("case-clinic", went_back),
    "akad-casuistiek-niet-passen": ("akad-casuistiek", tried_to_pass),
}


def render(run: Run) -> str:
    """The spoken script, with each refused command where it was refused (a screen shows that)."""
    lines = render_script(run).splitlines()
    start = run.log[0][0]
    refused = [f"{mmss(t - start)} {'geweigerd':<11} {e.command}: {e.reason}"
               for t, e in run.effects if isinstance(e, Rejected)]
    return "\n".join([lines[0]] + sorted(lines[1:] + refused, key=lambda line: line[:5])) + "\n"


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_spoken_script_of_a_variant_matches_snapshot(name):
    method_id, begin = VARIANTS[name]
    run = Run.of(method_id)
    run.cmd("start")
    begin(run)
    run = simulate(method_id, run=run)
    assert run.state.status == "finished"
    compare_snapshot(SNAPSHOTS / f"{name}.txt", render(run), name)


# Written by tests/methods/test_methods_nested.py: the bijeenkomst with other methods in its rondes.
NESTED = {"progressiegerichte-bijeenkomst-cirkeltechniek"}


def test_every_variant_has_a_snapshot_and_no_stale_ones():
    assert {p.stem for p in SNAPSHOTS.glob("*.txt")} == set(VARIANTS) | NESTED
