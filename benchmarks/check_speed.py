"""How fast does `vibecode check` answer an attendee? Medians side by side.

    .venv/bin/python benchmarks/check_speed.py [--runs 5]

On the real course, in temporary workspaces:
- `vibecode check` at the last step (every test passes, so every test runs): target <= 5 s;
- the first verdict on a failing step: the last step with the slip its own new tests are there
  to catch (the in-memory SQLite branch of the engine's pool options forgotten): target <= 3 s;
- `check --watch`'s answer to a save: the step's own new tests on the warm runner after a
  save, against the same run cold (a fresh `python -m pytest`): target <= 2 s.
The commands run round-robin, so a busy machine slows all of them alike; the machine this
project runs on is shared with other work, so quote medians and read them as such.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {"check, last step": 5.0, "first verdict, failing step": 3.0, "watch, warm run": 2.0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from vibecode.course.manifest import load_course
    from vibecode.paths import steps_root
    from vibecode.workspace.apply import goto
    from vibecode.workspace.checks import run_step_tests
    from vibecode.workspace.warm import WarmRunner

    course = load_course(steps_root())
    last = course.last
    cli = Path(sys.executable).with_name("vibecode")
    command = [str(cli)] if cli.exists() else [sys.executable, "-m", "vibecode"]
    with tempfile.TemporaryDirectory() as scratch:
        passing, failing = Path(scratch, "passing"), Path(scratch, "failing")
        goto(course, passing, last)
        goto(course, failing, last)
        # The slip step 19's own tests catch: pool options given to SQLite's in-memory StaticPool.
        database = failing / "app/core/database.py"
        text = database.read_text()
        slip = "pool = {}  # one shared connection"
        if slip not in text:
            raise SystemExit(f"{database}: the line to break is gone; update this benchmark")
        database.write_text(text.replace(slip, "pass  # forgot: one shared connection"))
        env = {**os.environ, "NO_COLOR": "1"}
        times: dict[str, list[float]] = {name: [] for name in TARGETS}
        times["watch, cold run"] = []
        with WarmRunner() as runner:
            run_step_tests(course, passing, last, only_own=True, runner=runner)  # warms it
            for _ in range(args.runs):
                times["check, last step"].append(
                    _timed([*command, "check", "-w", str(passing)], env)
                )
                times["first verdict, failing step"].append(
                    _timed([*command, "check", "-w", str(failing)], env, expect=1)
                )
                target = passing / "app/main.py"
                target.write_bytes(target.read_bytes())  # a save
                started = time.perf_counter()
                report = run_step_tests(
                    course, passing, last, stop_first=True, only_own=True, runner=runner
                )
                times["watch, warm run"].append(time.perf_counter() - started)
                assert report.ok, report.problems
                started = time.perf_counter()
                run_step_tests(course, passing, last, stop_first=True, only_own=True)
                times["watch, cold run"].append(time.perf_counter() - started)
    print(f"the real course, step {last}; {args.runs} rounds, round-robin (a shared machine)")
    worst = 0.0
    for name, values in times.items():
        median = statistics.median(values)
        bound = TARGETS.get(name)
        verdict = (
            ""
            if bound is None
            else f"  target <= {bound:.0f} s: " + ("ok" if median <= bound else "OVER")
        )
        if bound is not None:
            worst = max(worst, median / bound)
        print(f"{name:<30} {median:6.2f} s{verdict}")
    cold, warm = (
        statistics.median(times["watch, cold run"]),
        statistics.median(times["watch, warm run"]),
    )
    print(f"warm runner: {cold / warm:.1f}x faster than a cold pytest for the same tests")
    return 0 if worst <= 1 else 1


def _timed(command: list[str], env: dict[str, str], expect: int = 0) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != expect:
        raise SystemExit(
            f"{' '.join(command)} exited {done.returncode}:\n{done.stdout}{done.stderr}"
        )
    return elapsed


if __name__ == "__main__":
    sys.exit(main())
