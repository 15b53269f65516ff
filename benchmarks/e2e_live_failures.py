"""Failure rate of the live test over N runs, without and with a CPU hog on every core.

    .venv/bin/python benchmarks/e2e_live_failures.py [--runs 20] [--only plain|hog] [--stop-on-failure]

Each run is a fresh pytest process running one test of tests/e2e/test_live_serve.py: spoken
"next" and "pass" through the virtual microphone into `facilitator serve`, Chromium watching.
"plain" is the test as it is; "hog" is its twin that starts a busy loop on every core first.
Prints one line a run (result, seconds, load average at its start, each spoken command's latency
from the end of its words to the page, what the microphone lost) and the rate per mode, with the
core count. A failed run's report is kept in the folder printed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TEST = "tests/e2e/test_live_serve.py"
VOICE = re.compile(r"'dropped_frames': (?P<dropped>\d+), 'driver_overflows': (?P<overflows>\d+).*?"
                   r"'max_lag': (?P<lag>[\d.]+)")
MODES = {
    "plain": "test_spoken_next_and_pass_move_the_turn_on_the_dashboard",
    "hog": "test_spoken_commands_move_the_turn_with_every_core_busy",
}


def one_run(test: str, report: Path) -> tuple[bool, float, list[dict]]:
    """(passed, seconds, the figures the test noted: each spoken command's latency, the voice report)."""
    timings = report.with_suffix(".jsonl")
    t0 = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pytest", "-x", "-p", "no:cacheprovider", f"{TEST}::{test}"],
                          cwd=str(REPO), capture_output=True, text=True,
                          env={**os.environ, "LIVE_TEST_TIMINGS": str(timings)})
    seconds = time.monotonic() - t0
    passed = done.returncode == 0 and " passed" in done.stdout and "skipped" not in done.stdout
    if not passed:
        report.write_text(done.stdout + "\n--- stderr ---\n" + done.stderr, encoding="utf-8")
    figures = [json.loads(ln) for ln in timings.read_text().splitlines()] if timings.exists() else []
    return passed, seconds, figures


def describe(figures: list[dict]) -> str:
    """Latency of each spoken command (s from the end of its words to the page), how far recognition
    fell behind the microphone, and what the microphone lost (blocks dropped by us, overflows
    PortAudio reported) as the voice room counted."""
    parts = [f"{f['command']} {f['latency']:.1f} s" for f in figures if "command" in f]
    for f in figures:
        m = VOICE.search(f.get("voice") or "")
        if m:
            parts.append(f"recognition at most {m['lag']} s behind, dropped {m['dropped']}, "
                         f"overflows {m['overflows']}")
    return "; ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--only", choices=sorted(MODES), default=None)
    parser.add_argument("--stop-on-failure", action="store_true")
    args = parser.parse_args()
    reports = Path(tempfile.mkdtemp(prefix="live-failures-"))
    modes = [args.only] if args.only else ["plain", "hog"]
    summary = []
    latencies: dict[str, list[float]] = {m: [] for m in modes}
    print(f"cores: {os.cpu_count()}; {args.runs} runs per mode of {TEST}")
    for mode in modes:
        results = []
        for i in range(1, args.runs + 1):
            load = os.getloadavg()[0]
            passed, seconds, figures = one_run(MODES[mode], reports / f"{mode}-{i:02d}.txt")
            results.append((passed, seconds, load))
            latencies[mode] += [f["latency"] for f in figures if "command" in f]
            print(f"  {mode:5} run {i:2}: {'pass' if passed else 'FAIL'}  {seconds:5.1f} s  load {load:4.1f}  "
                  f"{describe(figures)}", flush=True)
            if not passed and args.stop_on_failure:
                break
        failed = sum(1 for p, _, _ in results if not p)
        streak = best = 0
        for p, _, _ in results:
            streak = streak + 1 if p else 0
            best = max(best, streak)
        summary.append(f"{mode:5}: {failed}/{len(results)} failed ({100 * failed / len(results):.0f}%), longest run "
                       f"of passes {best}, median {statistics.median(s for _, s, _ in results):.0f} s a run, load "
                       f"average {min(l for *_, l in results):.1f}–{max(l for *_, l in results):.1f}")
        if latencies[mode]:
            summary.append(f"       spoken command to page: median {statistics.median(latencies[mode]):.1f} s, "
                           f"max {max(latencies[mode]):.1f} s over {len(latencies[mode])} commands")
    print(f"\nsummary (cores {os.cpu_count()}):")
    for line in summary:
        print("  " + line)
    print(f"reports of failed runs: {reports}")


if __name__ == "__main__":
    main()
