"""How long the reference app's whole test suite takes: wall and CPU time, medians of N runs.

    .venv/bin/python benchmarks/app_suite_time.py              # this checkout, 5 runs
    .venv/bin/python benchmarks/app_suite_time.py --runs 7 --root /tmp/old-checkout

Each run is `python -m pytest tests -q -p no:cacheprovider` in its own process, from `--root`
(a folder with app/, tests/ and pytest.ini), on the suite's own temporary SQLite database. CPU
time is the run's user + system time (children included): on a shared machine it moves less
than wall time, so quote both, and the load average printed beside them. Not a test.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRUBBED = ("TEST_DATABASE_URL", "DATABASE_URL", "PYTEST_ADDOPTS")


def one_run(root: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and the number of tests that passed, for one run."""
    env = {key: value for key, value in os.environ.items() if key not in SCRUBBED}
    env["PYTHONPATH"] = str(root)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "tests", "-q", "-p", "no:cacheprovider"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"the suite failed in {root}:\n{done.stdout[-2000:]}")
    passed = re.search(r"(\d+) passed", done.stdout)
    return wall, cpu, int(passed.group(1)) if passed else 0


def main() -> None:
    """Time the suite N times and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    walls, cpus = [], []
    for _ in range(args.runs):
        wall, cpu, passed = one_run(args.root.resolve())
        walls.append(wall)
        cpus.append(cpu)
        print(f"  run: {wall:5.2f} s wall, {cpu:5.2f} s CPU, {passed} passed")
    load = os.getloadavg()[0]
    print(
        f"{args.root}: median {statistics.median(walls):.2f} s wall "
        f"(min {min(walls):.2f}), {statistics.median(cpus):.2f} s CPU over {args.runs} runs; "
        f"{passed} tests; load average {load:.2f} on {os.cpu_count()} CPUs (shared machine)"
    )


if __name__ == "__main__":
    main()
