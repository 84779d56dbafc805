"""Do `vibecode steps` and `vibecode status` feel instant? Side by side with a bare Typer script.

    .venv/bin/python benchmarks/cli_startup.py [--runs 30] [--hyperfine]

The commands run round-robin (one of each, again and again, so a noisy machine slows all three
alike): a Typer hello-world script, `vibecode steps`, and `vibecode status` on a workspace at the
middle step of the real course (`steps/`, or `VIBECODE_STEPS`), with the course's parsed-manifest
cache warm (as after a first run) and, for reference, `vibecode steps` without it. The median
wall time of each is printed with its ratio to the hello-world script; the target is at most
1.3x. With `--hyperfine`, hyperfine measures the same commands instead (one after the other).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET = 1.3
HELLO = """\
import typer


def main(name: str = "World") -> None:
    print(f"Hello {name}")


typer.run(main)
"""
"""Typer's own hello world (its docs' first example). It has one parameter, as every vibecode
command has: Typer 0.2x builds a Pydantic adapter for any parameter, which costs about 100 ms on
a two-core machine; a script without any parameter skips that and is printed for reference."""
BARE = HELLO.replace('name: str = "World"', "").replace("{name}", "World")


def vibecode_command() -> list[str]:
    """The console script next to this interpreter (as users run it), else `python -m vibecode`."""
    script = Path(sys.executable).with_name("vibecode")
    return [str(script)] if script.exists() else [sys.executable, "-m", "vibecode"]


def round_robin(
    commands: dict[str, list[str]], env: dict[str, str], runs: int
) -> tuple[dict[str, float], dict[str, float]]:
    """Median wall and CPU seconds per command, running them in turn `runs` times.

    CPU time (user + system, from the children's resource usage) moves less than wall time
    when other processes share the machine.
    """
    wall: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for lap in range(runs + 1):
        for name, command in commands.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)
            elapsed = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if lap:  # the first lap warms the file system cache
                wall[name].append(elapsed)
                cpu[name].append(
                    after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
                )
    return (
        {name: statistics.median(values) for name, values in wall.items()},
        {name: statistics.median(values) for name, values in cpu.items()},
    )


def with_hyperfine(
    commands: dict[str, list[str]], env: dict[str, str], runs: int
) -> dict[str, float]:
    """Median seconds per command, measured by hyperfine."""
    with tempfile.TemporaryDirectory() as scratch:
        export = Path(scratch) / "results.json"
        subprocess.run(
            [
                "hyperfine", "--warmup", "3", "--runs", str(runs), "-N", "--style", "none",
                "--export-json", str(export),
                *(" ".join(command) for command in commands.values()),
            ],
            env=env, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        results = json.loads(export.read_text())["results"]
    return {name: r["median"] for name, r in zip(commands, results, strict=True)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--hyperfine", action="store_true", help="measure with hyperfine")
    args = parser.parse_args()

    from vibecode.course.manifest import load_course
    from vibecode.paths import steps_root
    from vibecode.workspace.apply import goto

    course = load_course(steps_root())
    with tempfile.TemporaryDirectory() as scratch:
        workspace = Path(scratch) / "workshop"
        goto(course, workspace, course.last // 2)
        hello, bare = Path(scratch) / "hello.py", Path(scratch) / "bare.py"
        hello.write_text(HELLO)
        bare.write_text(BARE)
        cache = Path(scratch) / "cache"
        env = {
            **os.environ,
            "VIBECODE_WORKSPACE": str(workspace),
            "NO_COLOR": "1",
            "VIBECODE_CACHE_DIR": str(cache),
        }
        # As on a user's machine, compiled bytecode is cached (the first run writes it): with
        # PYTHONDONTWRITEBYTECODE set, every run would compile vibecode's modules again.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        cli = vibecode_command()
        commands = {
            "typer hello-world": [sys.executable, str(hello)],
            "(no parameter)": [sys.executable, str(bare)],
            "vibecode steps": [*cli, "steps"],
            "vibecode status": [*cli, "status"],
            # For reference: a first run, which parses every step.toml (the cache cannot be
            # written under /dev/null). Not part of the verdict: later runs are the common case.
            "(steps, no cache)": ["env", "VIBECODE_CACHE_DIR=/dev/null/none", *cli, "steps"],
        }
        cpu: dict[str, float] | None = None
        if args.hyperfine:
            if shutil.which("hyperfine") is None:
                print("hyperfine is not installed", file=sys.stderr)
                return 2
            medians = with_hyperfine(commands, env, args.runs)
        else:
            medians, cpu = round_robin(commands, env, args.runs)

    how = "hyperfine" if args.hyperfine else f"round-robin, {args.runs} runs each"
    print(f"course: {len(course.steps)} steps in {course.root}; {how}")
    print(
        f"{'command':<20} {'wall':>9} {'ratio':>7}" + (f" {'cpu':>9} {'ratio':>7}" if cpu else "")
    )
    worst = 0.0
    for name, median in medians.items():
        ratio = median / medians["typer hello-world"]
        if name.startswith("vibecode"):
            worst = max(worst, ratio)
        line = f"{name:<20} {median * 1000:>7.1f}ms {ratio:>6.2f}x"
        if cpu:
            cpu_ratio = cpu[name] / cpu["typer hello-world"]
            line += f" {cpu[name] * 1000:>7.1f}ms {cpu_ratio:>6.2f}x"
        print(line)
    verdict = "ok" if worst <= TARGET else "OVER"
    print(f"worst wall-time ratio {worst:.2f}x (target <= {TARGET}x): {verdict}")
    return 0 if worst <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
