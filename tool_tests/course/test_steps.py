"""Every step of the real course is a complete program, and the course holds together.

The proof is `vibecode course check`'s own (`rehearse(..., benches=False)`): each step from its
checkpoint in a temporary workspace, its tests, its migrations on an empty SQLite database, the
app started under uvicorn, every demo request answering as declared; then the course as a whole
(`proof.course.course_problems`: the last step is the reference app, the history canonical).
"""

from __future__ import annotations

import difflib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest

from vibecode.course.manifest import Step, load_course
from vibecode.paths import project_root, steps_root
from vibecode.proof.course import course_problems
from vibecode.proof.schedule import default_jobs
from vibecode.rehearse.runner import StepOutcome, rehearse

COURSE = load_course(steps_root())
STEPS = COURSE.steps

# A step's diff (insertions + deletions against the step before) a reader takes in within two
# minutes. Steps that only add or change tests are exempt.
LINE_BUDGET = 120
# Steps allowed over the budget, each with the reason. Keep this short.
OVER_BUDGET: dict[str, str] = {
    "05-first-migration": "alembic init and autogenerate write most of it; three edits to narrate",
}


@pytest.fixture(scope="module")
def outcomes(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[int, StepOutcome]]:
    """`vibecode course check` of the selected steps, on every core."""
    selected = sorted(
        cast(Step, item.callspec.params["step"]).number
        for item in request.session.items
        if isinstance(item, pytest.Function)
        and item.originalname == "test_step_is_a_complete_program"
        and hasattr(item, "callspec")
    )
    workspace = tmp_path_factory.mktemp("course-check") / "workshop"
    results = rehearse(COURSE, workspace, selected, jobs=default_jobs(), benches=False)
    yield {outcome.number: outcome for outcome in results}


@pytest.mark.e2e
@pytest.mark.parametrize("step", STEPS, ids=[step.label for step in STEPS])
def test_step_is_a_complete_program(step: Step, outcomes: dict[int, StepOutcome]) -> None:
    """Tests pass, migrations apply on an empty database, the app starts and answers its demos."""
    outcome = outcomes[step.number]
    assert outcome.ok, "\n".join(outcome.problems)
    assert "server" in outcome.checks


def test_the_course_holds_together() -> None:
    """The last step is the reference app byte for byte; course.weave is as the tool writes it."""
    assert course_problems(COURSE) == []


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
