"""Determinism and replay: the same events at the same times give the same effects, and replaying
a live run's log (without its ticks) ends in the same state as the live run with its ticks."""

from __future__ import annotations

import random
import time

import pytest

from engine_sim import PEOPLE, Run, library, render_script, simulate
from facilitator.engine import apply, new_state, outcomes, speaking_totals, transcript, view
from facilitator.events import Tick


def replay(run: Run, until: float):
    state = new_state(run.state.setup)
    for at, event in run.log:
        state, _ = apply(state, event, at)
    state, _ = apply(state, Tick(), until)
    return state


def live_case_clinic(seed: int, options=None, tick=0.25) -> Run:
    """A lively Case Clinic: people talk over turn and step changes, finals arrive late,
    someone pauses, asks for a minute more, and sometimes lets the time run out."""
    rng = random.Random(seed)
    run = Run.of("case-clinic", options=options)
    run.cmd("start")
    uid = 0
    while run.state.status != "finished" and run.t < 3 * 3600:
        r = rng.random()
        if r < 0.35:   # someone talks for a while; the final comes later
            start = run.t + rng.uniform(0, 2)
            length = rng.uniform(1, 25)
            run.wait(start - run.t, tick_every=tick)
            run.activity(True, at=start)
            run.wait(length, tick_every=tick)
            run.activity(False)
            uid += 1
            arrive = run.t + rng.uniform(0.3, 2.5)
            if rng.random() < 0.3:  # "volgende" before the final arrives
                run.cmd(rng.choice(["next_turn", "pass"]))
            run.wait(arrive - run.t, tick_every=tick)
            run.say(f"zin {uid}", start, start + length, uid=f"u{uid}")
            if rng.random() < 0.1:
                run.say(f"zin {uid}", start, start + length, uid=f"u{uid}")  # re-sent
        elif r < 0.55:
            run.cmd(rng.choice(["next_turn", "pass"]))
        elif r < 0.62:
            run.wait(rng.uniform(30, 400), tick_every=tick)  # let time run (maybe out)
        elif r < 0.68:
            run.cmd("next_step")
        elif r < 0.71:
            run.cmd("pause")
            run.wait(rng.uniform(5, 200), tick_every=tick)
            run.cmd("resume")
        elif r < 0.74:
            run.cmd("extend", seconds=rng.choice([30, 60, 120]))
        elif r < 0.76:
            run.cmd("previous_step")
        elif r < 0.80:
            run.cmd(rng.choice(["remaining", "repeat", "tip"]))
        else:
            run.wait(rng.uniform(0.5, 20), tick_every=tick)
    return run


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("auto", [False, True], ids=["wait", "auto"])
def test_replay_without_ticks_equals_the_live_run_with_ticks(seed, auto):
    run = live_case_clinic(seed, {"auto_advance": True} if auto else None)
    end = run.t + 1.0
    run.wait(1.0)
    assert run.log, "the meeting logged events"
    state = replay(run, end)
    live = run.state
    # Compare field by field first, for a readable failure.
    for name in live.__dataclass_fields__:
        assert getattr(state, name) == getattr(live, name), name
    assert state == live
    assert view(state, end) == view(live, end)


def test_replay_at_any_cut_equals_the_live_state_then():
    run = live_case_clinic(11)
    # Cut the log after every event: replaying the prefix and ticking to the cut time gives
    # what the live run had at that time (the live run ticked on the way).
    checkpoints = {}
    probe = Run(new_state(run.state.setup))
    for at, event in run.log:
        probe.t = at
        probe.feed(event)
        checkpoints[len(probe.log)] = probe.state
    for n in range(1, len(run.log) + 1, max(1, len(run.log) // 25)):
        state = new_state(run.state.setup)
        for at, event in run.log[:n]:
            state, _ = apply(state, event, at)
        assert state == checkpoints[n]


def test_same_events_at_the_same_times_give_the_same_effects():
    for method in ("case-clinic", "tienstappenmethode", "balintmethode"):
        a, b = simulate(method), simulate(method)
        assert a.effects == b.effects  # every Say, Chime and fact
        assert a.state == b.state


def test_the_same_log_replayed_twice_gives_identical_effects():
    run = live_case_clinic(3)
    outs = []
    for _ in range(2):
        state, effects = new_state(run.state.setup), []
        for at, event in run.log:
            state, out = apply(state, event, at)
            effects.append(out)
        outs.append(effects)
    assert outs[0] == outs[1]


def test_a_whole_case_clinic_with_a_moved_clock():
    began = time.perf_counter()
    run = simulate("case-clinic", tick=1.0)
    took = time.perf_counter() - began
    print(f"\nA whole Case Clinic: {run.t / 60:.0f} meeting minutes, {len(run.log)} events, ticking every "
          f"meeting second, {len(run.effects)} effects, in {took * 1000:.0f} ms")
    assert run.state.status == "finished"
    assert all(s["state"] == "done" for s in view(run.state, run.t)["steps"])
    # Ticking every second or not at all: the same meeting.
    assert render_script(run) == render_script(simulate("case-clinic"))


def test_a_lively_case_clinic_runs_to_the_end():
    run = live_case_clinic(42, tick=1.0)
    assert run.state.status == "finished"
    assert transcript(run.state) and speaking_totals(run.state, run.t)


def test_a_simulated_case_clinic_has_the_expected_outcomes():
    run = simulate("case-clinic")
    out = outcomes(run.state)
    assert [e["by"] for e in out["items"]["spiegeling"]] == ["Ben", "Carla", "Dirk", "Eva"]
    assert [e["by"] for e in out["items"]["reflectie"]] == ["Ben", "Carla", "Dirk", "Eva"]
    assert [l["speaker"] for l in transcript(run.state) if l["type"] == "reactie"] == ["Anna", "Anna"]
    assert render_script(run).startswith("# Case Clinic")
