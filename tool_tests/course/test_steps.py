"""Every step of the real course is a complete program, and the course holds together.

For each step: materialize its checkpoint in a temporary workspace, run the tests it declares,
apply its migrations to an empty SQLite database, start the app (lifespan included) and fire the
step's demo requests and one request per benchmark side, checking every status. The workspace's
code only ever runs in subprocesses (cwd and PYTHONPATH = the workspace).
"""

from __future__ import annotations

import difflib
import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from vibecode.course.manifest import Course, RequestSpec, Step, load_course
from vibecode.paths import project_root, steps_root
from vibecode.workspace.apply import goto

COURSE = load_course(steps_root())
STEPS = COURSE.steps
SMOKE = Path(__file__).with_name("smoke_app.py")

# A step's diff (insertions + deletions against the step before) a reader takes in within two
# minutes. Steps that only add or change tests are exempt.
LINE_BUDGET = 120
# Steps allowed over the budget, each with the reason. Keep this short.
OVER_BUDGET: dict[str, str] = {
    "05-first-migration": "alembic init and autogenerate write most of it; three edits to narrate",
}

# The reference app, as the last step must reproduce it.
REFERENCE = ("app", "tests", "alembic.ini", ".env.example", "pytest.ini")
# Variables of the caller that would change what a workspace subprocess does.
SCRUBBED = ("TEST_DATABASE_URL", "DATABASE_URL", "DEBUG", "PYTEST_ADDOPTS", "PYTHONPATH")


def materialize(course: Course, number: int, workspace: Path) -> None:
    """Write checkpoint `number` into `workspace`, as `vibecode goto N` does."""
    goto(course, workspace, number)


def workspace_env(workspace: Path, database: Path) -> dict[str, str]:
    """The environment of a subprocess running the workspace's code, on its own SQLite file."""
    env = {key: value for key, value in os.environ.items() if key not in SCRUBBED}
    env.update(
        PYTHONPATH=str(workspace),
        DATABASE_URL=f"sqlite+aiosqlite:///{database}",
        SECRET_KEY=secrets.token_urlsafe(32),
        DEMO_ENDPOINTS="true",
        # The cheapest Argon2 cost the app's settings accept: the smoke run hashes for real.
        ARGON2_TIME_COST="1",
        ARGON2_MEMORY_COST="8",
        ARGON2_PARALLELISM="1",
        # Only the plugin the app's tests use: the tool's own test plugins (hypothesis, textual
        # snapshots) would cost a second of start-up per step.
        PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
    )
    return env


def run(args: list[str], *, cwd: Path, env: dict[str, str], stdin: str = "") -> str | None:
    """Run a command in the workspace: None when it succeeds, else what went wrong."""
    result = subprocess.run(
        args, cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=300
    )
    if result.returncode == 0:
        return None
    return f"{' '.join(args)} exited {result.returncode}\n{result.stdout}\n{result.stderr}"


def check_step(step: Step, folder: Path) -> str | None:
    """The whole proof for one step; None when it holds, else the first failure's output."""
    workspace = folder / "workshop"
    materialize(COURSE, step.number, workspace)
    if step.tests:
        env = workspace_env(workspace, folder / "tests.db")
        plugins = ["-p", "no:cacheprovider", "-p", "pytest_asyncio.plugin"]
        problem = run(
            [sys.executable, "-m", "pytest", "-q", *plugins, *step.tests], cwd=workspace, env=env
        )
        if problem:
            return problem
    # Migrations on an empty SQLite file, then the app's start and requests: one process.
    env = workspace_env(workspace, folder / "smoke.db")
    plan = json.dumps(request_plan(step))
    return run([sys.executable, str(SMOKE)], cwd=workspace, env=env, stdin=plan)


@pytest.fixture(scope="module")
def step_results(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Future[str | None]]]:
    """Every selected step's proof, started at once and run two at a time (one per core).

    The steps are independent, so their subprocesses overlap: the whole course is checked in
    about half the time a step-after-step run takes. The latest steps (the most tests) go first.
    """
    selected = {
        item.callspec.params["step"].label
        for item in request.session.items
        if item.originalname == "test_step_is_a_complete_program" and hasattr(item, "callspec")
    }
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        futures = {
            step.label: pool.submit(check_step, step, tmp_path_factory.mktemp(step.label))
            for step in reversed(STEPS)
            if step.label in selected
        }
        yield futures
        for future in futures.values():
            future.cancel()


def request_plan(step: Step) -> dict[str, Any]:
    """The step's demo requests and one request per benchmark side, as JSON for smoke_app.py."""

    def spec(request: RequestSpec) -> dict[str, Any]:
        data = {name: getattr(request, name) for name in request.__dataclass_fields__}
        data["expect"] = list(request.expect)
        return data

    benches = [
        {
            "setup": [spec(item) for item in scenario.setup],
            "sides": [
                {
                    "name": f"{scenario.name}:{target.label}",
                    "method": target.method,
                    "path": target.path,
                    "headers": dict(target.headers),
                    "json": target.json,
                    "expect": list(range(200, 300)),
                }
                for target in (scenario.a, scenario.b)
            ],
        }
        for scenario in step.benches
    ]
    return {"demos": [spec(demo) for demo in step.demos], "benches": benches}


@pytest.mark.e2e
@pytest.mark.parametrize("step", STEPS, ids=[step.label for step in STEPS])
def test_step_is_a_complete_program(
    step: Step, step_results: dict[str, Future[str | None]]
) -> None:
    """Tests pass, migrations apply on an empty database, the app starts and answers its demos."""
    problem = step_results[step.label].result()
    if problem:
        pytest.fail(problem, pytrace=False)


def changed_lines(before: dict[str, bytes], after: dict[str, bytes]) -> dict[str, int]:
    """Insertions + deletions per path between two checkpoints (as `git diff --numstat`)."""
    counts: dict[str, int] = {}
    for path in sorted(before.keys() | after.keys()):
        old = before.get(path, b"").decode().splitlines()
        new = after.get(path, b"").decode().splitlines()
        if old == new:
            continue
        diff = difflib.unified_diff(old, new, lineterm="", n=0)
        counts[path] = sum(
            1 for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))
        )
    return counts


def code_lines(step: Step) -> int:
    """What step `step` changes outside tests/, in lines."""
    counts = changed_lines(COURSE.checkpoint(step.number - 1), COURSE.checkpoint(step.number))
    return sum(count for path, count in counts.items() if not path.startswith("tests/"))


@pytest.mark.parametrize("step", STEPS, ids=[step.label for step in STEPS])
def test_step_diff_fits_the_budget(step: Step) -> None:
    """One idea per step: the code a step changes stays readable in two minutes."""
    lines = code_lines(step)
    if step.label in OVER_BUDGET:
        return
    assert lines <= LINE_BUDGET, (
        f"{step.label} changes {lines} lines of code (budget {LINE_BUDGET}): split the step"
    )


def test_request_and_benchmark_names_are_unique_across_the_course() -> None:
    """`vibecode demo`, `bench` and the dashboard name requests; a name means one thing."""
    demos = [demo.name for step in STEPS for demo in step.demos]
    benches = [scenario.name for step in STEPS for scenario in step.benches]
    assert len(demos) == len(set(demos)), sorted(n for n in demos if demos.count(n) > 1)
    assert len(benches) == len(set(benches)), sorted(n for n in benches if benches.count(n) > 1)


def test_every_step_has_demo_requests_and_tests() -> None:
    """From the first step on there are endpoints: each step shows something and checks it."""
    assert STEPS, "the course has no steps"
    for step in STEPS:
        assert step.demos, f"{step.label} declares no [[demo]] requests"
        assert step.tests, f"{step.label} declares no tests"


def test_tests_are_cumulative() -> None:
    """Earlier steps' tests keep passing: each step runs every test file that exists at it."""
    for step in STEPS:
        present = {
            path
            for path in COURSE.checkpoint(step.number)
            if path.startswith("tests/") and Path(path).name.startswith("test_")
        }
        assert set(step.tests) == present, f"{step.label}: tests should list {sorted(present)}"


def test_last_step_is_the_reference_app() -> None:
    """The course ends exactly at the repository's app (scripts/sync_last_step.py fixes drift)."""
    root = project_root()
    reference: dict[str, bytes] = {}
    for name in REFERENCE:
        path = root / name
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for file in files:
            if "__pycache__" not in file.parts and file.suffix != ".pyc":
                reference[file.relative_to(root).as_posix()] = file.read_bytes()
    checkpoint = COURSE.checkpoint(COURSE.last)
    differing = sorted(
        path
        for path in reference.keys() | checkpoint.keys()
        if reference.get(path) != checkpoint.get(path)
    )
    assert not differing, (
        f"run scripts/carve_steps.py (or sync_last_step.py); differing: {differing}"
    )


def test_every_checkpoint_passes_the_linters(tmp_path: Path) -> None:
    """Attendees copy this code: every checkpoint is ruff-clean and ruff-formatted, like app/."""
    pytest.importorskip("ruff", reason="ruff comes with the dev extra")
    for step in STEPS:
        for path, content in COURSE.checkpoint(step.number).items():
            target = tmp_path / step.label / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    config = ["--config", str(project_root() / "pyproject.toml")]
    for command in (["check", "--no-cache"], ["format", "--check", "--no-cache"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command, *config, str(tmp_path)],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr
