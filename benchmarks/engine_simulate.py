"""Time to simulate each method's whole meeting through the pure engine (no store, no clock).

The scripted meeting of the snapshot tests (5 people; each gives one item, then passes; steps
without rounds run to their time): once without ticks, and once ticking every meeting second
as the live service does. Prints a table; asserts nothing.

    .venv/bin/python benchmarks/engine_simulate.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "engine"))

from engine_sim import library, simulate  # noqa: E402


def best_of(repeat: int, fn) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - began)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"cpus={os.cpu_count()} python={platform.python_version()} machine={platform.machine()} "
          f"repeat={args.repeat} (best of)")
    print(f"{'method':<38} {'steps':>5} {'meeting':>8} {'events':>7} {'no ticks':>9} {'1 s ticks':>10} {'ticks':>6} "
          f"{'x real time':>12}")
    plain, ticked = [], []
    for method in library():
        t0, run = best_of(args.repeat, lambda: simulate(method.id))
        t1, run1 = best_of(args.repeat, lambda: simulate(method.id, tick=1.0))
        minutes = (run.t - run.log[0][0]) / 60
        ticks = int(run1.t - run1.log[0][0])
        plain.append(t0)
        ticked.append(t1)
        print(f"{method.id:<38} {len(method.steps):>5} {minutes:>6.0f} m {len(run.log):>7} {t0 * 1000:>7.2f} ms "
              f"{t1 * 1000:>7.1f} ms {ticks:>6} {minutes * 60 / t1:>11,.0f}x")
    print(f"{'median':<38} {'':>5} {'':>8} {'':>7} {statistics.median(plain) * 1000:>7.2f} ms "
          f"{statistics.median(ticked) * 1000:>7.1f} ms")


if __name__ == "__main__":
    main()
