"""How long does `vibecode rehearse` of the whole talk take? Target (issue 19): at most 90 s.

    .venv/bin/python benchmarks/rehearse_speed.py [--runs 3] [--baseline CHECKOUT] [--jobs N]

Runs `python -m vibecode rehearse` as `make demo` does, `--runs` times, and prints the median
wall time with the load average around each run (the machine may be shared: compare medians
taken in the same session). With `--baseline`, another checkout of vibecode (for instance a
clone of an older commit) is rehearsed in turn, run for run, with the same interpreter and its
own code first on PYTHONPATH, so both face the same machine; the ratio of medians is printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_S = 90.0
ROOT = Path(__file__).resolve().parent.parent


def rehearse(checkout: Path, extra: list[str]) -> tuple[float, bool, float]:
    """One rehearsal of `checkout`'s course with its own code: seconds, passed, load before."""
    env = dict(os.environ, PYTHONPATH=str(checkout))
    for key in ("VIBECODE_COURSE", "VIBECODE_STEPS", "VIBECODE_TRACK"):
        env.pop(key, None)
    load = os.getloadavg()[0]
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "vibecode", "rehearse", *extra],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
    )
    return time.monotonic() - started, done.returncode == 0, load


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="another vibecode checkout to compare")
    parser.add_argument("--jobs", type=int, help="passed to this checkout's rehearse")
    args = parser.parse_args()
    extra = ["--jobs", str(args.jobs)] if args.jobs else []
    timings: dict[str, list[float]] = {"this": [], "baseline": []}
    for run in range(1, args.runs + 1):
        sides = [("this", ROOT, extra)]
        if args.baseline:
            sides.append(("baseline", args.baseline.resolve(), []))
        for name, checkout, options in sides if run % 2 else reversed(sides):
            seconds, passed, load = rehearse(checkout, options)
            timings[name].append(seconds)
            verdict = "pass" if passed else "FAIL"
            print(f"run {run} {name:8s} {seconds:6.1f} s  {verdict}  load {load:.1f}")
    this = statistics.median(timings["this"])
    print(f"\nmedian this: {this:.1f} s (target {TARGET_S:.0f} s)")
    if timings["baseline"]:
        baseline = statistics.median(timings["baseline"])
        print(f"median baseline: {baseline:.1f} s; this / baseline = {this / baseline:.2f}")
    return 0 if this <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
