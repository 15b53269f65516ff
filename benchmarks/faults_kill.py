"""kill -9 at many random points of a replayed meeting: does it resume right every time?

    .venv/bin/python benchmarks/faults_kill.py [--kills 20] [--seed N] [--parallel 2]

Replays a ~63 s recorded Case Clinic (espeak-ng Korean speech, the Korean Vosk model, Korean
command phrases that move the steps on) once to the end as the reference, then N more times,
each killed with SIGKILL once a random number of events is committed. For each kill it opens a
new MeetingService on that data folder and reports: resumed at the right step, the remaining-time
error, utterances stored twice, utterances lost (finished before the kill point but not stored).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests" / "faults")]

from faults_helpers import check_resume, make_recording, reference_log, run_and_kill  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=int(os.environ.get("FAULTS_SEED", "20261123")))
    parser.add_argument("--parallel", type=int, default=max(1, min(2, os.cpu_count() or 1)))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="faults-kill-") as tmp:
        root = Path(tmp)
        recording = make_recording(root / "rec")
        t0 = time.monotonic()
        run_and_kill(recording, root / "ref", None)
        ref_seconds = time.monotonic() - t0
        reference = reference_log(root / "ref")
        n = len(reference)
        targets = [rng.randrange(2, n) for _ in range(args.kills)]
        starts = [rng.uniform(0, 10**6) for _ in targets]
        print(f"reference: {n} events in {ref_seconds:.1f} s; kills at {sorted(targets)} (seed {args.seed})")

        def one(i: int):
            run_and_kill(recording, root / f"kill{i:02d}", targets[i])
            return check_resume(root / f"kill{i:02d}", reference, starts[i])

        t1 = time.monotonic()
        with ThreadPoolExecutor(max_workers=args.parallel) as pool:
            results = list(pool.map(one, range(len(targets))))
        wall = time.monotonic() - t1

    print(f"{'#':>3} {'kill@':>5} {'stored':>6} {'step':>4} {'exp':>3} {'ok':>3} {'rem err s':>9} {'dup':>3} "
          f"{'lostU':>5} {'missE':>5} {'prefix':>6}")
    for i, r in enumerate(results):
        ok = r["step"] == r["expected_step"] and r["status"] == r["expected_status"]
        print(f"{i:>3} {targets[i]:>5} {r['stored']:>6} {r['step']:>4} {r['expected_step']:>3} {'yes' if ok else 'NO':>3} "
              f"{r['remaining_error']:>9.2e} {r['duplicates']:>3} {r['lost_utterances']!s:>5} {r['missing_events']:>5} "
              f"{'yes' if r['prefix'] else 'NO':>6}")
    right = sum(r["step"] == r["expected_step"] and r["status"] == r["expected_status"] for r in results)
    print(f"\nsummary: cores {os.cpu_count()}, {len(results)} kills, seed {args.seed}, {wall:.1f} s "
          f"({args.parallel} at a time)")
    print(f"  resumed at the right step: {right}/{len(results)}")
    print(f"  remaining-time error: max {max(r['remaining_error'] for r in results):.2e} s")
    print(f"  stored log a prefix of the reference: {sum(r['prefix'] for r in results)}/{len(results)}")
    print(f"  utterances stored twice: {sum(r['duplicates'] for r in results)}")
    print(f"  utterances lost (finished before the last commit, not stored): "
          f"{sum(r['lost_utterances'] or 0 for r in results)} (max per kill "
          f"{max(r['lost_utterances'] or 0 for r in results)})")
    print(f"  events lost at the kill point: max {max(r['missing_events'] for r in results)}")
    bad = [i for i, r in enumerate(results) if not (r["prefix"] and r["duplicates"] == 0 and r["remaining_error"] < 1e-6
                                                   and r["step"] == r["expected_step"])]
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
