"""kill -9 of `facilitator run --audio` at random points of a replayed meeting, then resume.

A real recording (espeak-ng Korean speech, the Korean Vosk model, a small Korean commands file
that moves the steps on) is replayed once to the end: the reference. Then it is replayed again and
killed with SIGKILL once a random number of events is committed (the parent polls the SQLite
file). A new MeetingService on the killed run's data folder must show the meeting at the step the
reference was at when the store last heard from the run, with the same remaining time however
long the service was down, every stored event a prefix of the reference (nothing twice), and at
most the utterance being spoken lost. FAULTS_SEED overrides the seed.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import threading

import pytest

from faults_helpers import (SHORT_SCRIPT, check_resume, cli_env, facilitator_bin, make_recording, reference_log,
                            run_and_kill)

KILLS = 3
SEED = int(os.environ.get("FAULTS_SEED", "20261123"))


@pytest.mark.slow
def test_replayed_meeting_survives_kill_minus_9(tmp_path):
    rng = random.Random(SEED)
    recording = make_recording(tmp_path / "rec", SHORT_SCRIPT)

    # The reference runs next to the first kill run (two cores): both decode the same file.
    done: dict = {}
    ref_thread = threading.Thread(target=lambda: done.update(ref=run_and_kill(recording, tmp_path / "ref", None)))
    ref_thread.start()
    # Kill points: event counts spread over the meeting (the short script gives ~35 events).
    targets = sorted(rng.sample(range(2, 30), KILLS))
    results = []
    try:
        for i, target in enumerate(targets):
            results.append(run_and_kill(recording, tmp_path / f"kill{i}", target))
    finally:
        ref_thread.join(timeout=180)
    assert all(r["killed"] and r["seen"] >= t for r, t in zip(results, targets)), (results, targets)
    assert "ref" in done, "the reference replay did not finish"
    reference = reference_log(tmp_path / "ref")
    assert len(reference) > max(targets), (len(reference), targets)
    assert sum(1 for _, e in reference if type(e).__name__ == "Command" and e.kind == "next_step") == 3

    for i, target in enumerate(targets):
        r = check_resume(tmp_path / f"kill{i}", reference, rng.uniform(0, 10**6))
        where = f"kill {i} after {target} events (seed {SEED}): {r}"
        assert r["stored"] >= target, where
        assert r["prefix"], "the stored log is not what the meeting said: " + where
        assert r["duplicates"] == 0, where
        assert r["lost_utterances"] <= 1 and r["missing_events"] <= 2, where
        assert r["step"] == r["expected_step"] and r["status"] == r["expected_status"] == "running", where
        assert r["remaining"] == pytest.approx(r["expected_remaining"], abs=1e-6), where
        assert r["now"] == pytest.approx(r["last_clock"]), where
        # `facilitator meetings list` tells the same story: interrupted, at that step.
        listed = subprocess.run([facilitator_bin(), "meetings", "list", "--json"], capture_output=True, text=True,
                                env=cli_env(tmp_path / f"kill{i}"), timeout=60, stdin=subprocess.DEVNULL)
        (row,) = json.loads(listed.stdout)
        assert row["id"] == r["meeting"] and row["status"] == "running", (where, row)
        assert row["step"] == reference_step_title(r["expected_step"]), (where, row)


def reference_step_title(index: int) -> str:
    from methods import load_library

    return load_library(None).get("case-clinic").steps[index].title
