"""How long does `vibecode goto N` take on the real course, for every N? Target: under 300 ms.

    .venv/bin/python benchmarks/goto_speed.py [--runs 5]

For every step N of the course (`steps/`, or `VIBECODE_STEPS`), the workspace is first put at
another step (the empty workspace and the last step in turn, so each jump writes or deletes
files), then `vibecode goto N` runs as a user runs it (a new process, console script). The median
wall time per N is printed, with the in-process time of the apply alone (no interpreter start-up)
beside it. Typer's hello world (benchmarks/cli_startup.py) runs between the jumps: its median says
how fast the machine starts a Typer program at the moment, the floor under any `goto`.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.cli_startup import HELLO, vibecode_command

TARGET_MS = 300.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="jumps measured per step")
    args = parser.parse_args()

    from vibecode.course.manifest import load_course
    from vibecode.paths import steps_root
    from vibecode.workspace.apply import goto

    course = load_course(steps_root())
    if not course.steps:
        print(f"{course.root} has no steps", file=sys.stderr)
        return 2
    cli = vibecode_command()
    rows: list[tuple[int, float, float, float, int]] = []
    hello_runs: list[float] = []
    with tempfile.TemporaryDirectory() as scratch:
        workspace = Path(scratch) / "workshop"
        hello = Path(scratch) / "hello.py"
        hello.write_text(HELLO)
        hello_command = [sys.executable, str(hello)]
        env = {**os.environ, "VIBECODE_WORKSPACE": str(workspace), "NO_COLOR": "1"}
        # As on a user's machine, compiled bytecode is cached (the first run writes it): with
        # PYTHONDONTWRITEBYTECODE set, every run would compile vibecode's modules again.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        for number in range(course.last + 1):
            wall: list[float] = []
            cpu: list[float] = []
            inner: list[float] = []
            files = 0
            for run in range(args.runs):
                start = course.last if run % 2 == 0 and number != course.last else 0
                goto(course, workspace, start)
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                started = time.perf_counter()
                subprocess.run(
                    [*cli, "goto", str(number)], env=env, check=True, capture_output=True
                )
                wall.append(time.perf_counter() - started)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
                goto(course, workspace, start)
                started = time.perf_counter()
                result = goto(course, workspace, number)
                inner.append(time.perf_counter() - started)
                started = time.perf_counter()
                subprocess.run(hello_command, env=env, check=True, capture_output=True)
                hello_runs.append(time.perf_counter() - started)
                files = max(files, len(result.written) + len(result.deleted))
            wall_ms, cpu_ms, inner_ms = (statistics.median(v) * 1e3 for v in (wall, cpu, inner))
            rows.append((number, wall_ms, cpu_ms, inner_ms, files))

    print(f"course: {len(course.steps)} steps in {course.root}; {args.runs} jumps per step")
    print(f"{'step':>4} {'goto: wall':>11} {'cpu':>8} {'apply alone':>12} {'files':>6}")
    for number, wall_ms, cpu_ms, inner_ms, files in rows:
        print(f"{number:>4} {wall_ms:>9.0f}ms {cpu_ms:>6.0f}ms {inner_ms:>10.1f}ms {files:>6}")
    worst = max(rows, key=lambda row: row[1])
    verdict = "ok" if worst[1] < TARGET_MS else "OVER"
    print(f"slowest: goto {worst[0]} in {worst[1]:.0f} ms (target < {TARGET_MS:.0f} ms): {verdict}")
    hello_ms = statistics.median(hello_runs) * 1e3
    print(
        f"typer hello world, between the jumps: {hello_ms:.0f} ms median; "
        f"slowest goto / hello world: {worst[1] / hello_ms:.2f}x"
    )
    print(f"highest CPU time (user + system): {max(row[2] for row in rows):.0f} ms")
    return 0 if worst[1] < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
