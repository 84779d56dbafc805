"""`run_step_tests`: pytest on the step's tests, in a subprocess, in the workspace."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from vibecode.course.manifest import Course
from vibecode.workspace import apply
from vibecode.workspace.checks import run_step_tests


@pytest.fixture
def nested_workspace(tmp_path: Path) -> Path:
    """A workspace inside a folder whose pytest.ini would break any pytest run that read it."""
    parent = tmp_path / "parent"
    parent.mkdir()
    (parent / "pytest.ini").write_text("[pytest]\naddopts = --no-such-option\n")
    return parent / "workshop"


def test_passing_step(course: Course, nested_workspace: Path) -> None:
    apply.goto(course, nested_workspace, 2)
    report = run_step_tests(course, nested_workspace, 2)
    assert report.ok, report.output
    assert (report.passed, report.failed, report.errors, report.skipped) == (1, 0, 0, 0)
    assert report.tests == ("tests/test_calc.py",)
    assert report.seconds > 0
    assert not (nested_workspace / ".pytest_cache").exists()


def test_failing_step(course: Course, workspace: Path) -> None:
    apply.goto(course, workspace, 2)
    (workspace / "app/calc.py").write_text("def add(a, b):\n    return 0\n")
    report = run_step_tests(course, workspace, 2)
    assert not report.ok
    assert (report.passed, report.failed) == (0, 1)
    ((node, message),) = report.failures
    assert node == "tests/test_calc.py::test_add"
    assert "assert 0 == 3" in message
    assert "1 failed" in report.output


def test_collection_error(course: Course, workspace: Path) -> None:
    apply.goto(course, workspace, 2)
    (workspace / "app/calc.py").write_text("def add(a, b)\n")
    report = run_step_tests(course, workspace, 2)
    assert not report.ok
    assert report.errors == 1
    assert report.failures[0][0] == "tests/test_calc.py"


def test_missing_test_file(course: Course, workspace: Path) -> None:
    apply.goto(course, workspace, 2)
    (workspace / "tests/test_calc.py").unlink()
    report = run_step_tests(course, workspace, 2)
    assert not report.ok
    assert report.returncode == 4
    assert report.failures[0][0] == "pytest"
    assert "not found" in report.failures[0][1]


def test_a_step_without_tests(course: Course, workspace: Path) -> None:
    apply.goto(course, workspace, 4)
    for number in (0, 4):
        report = run_step_tests(course, workspace, number)
        assert report.no_tests
        assert report.ok


def test_the_subprocess_command_and_environment(course: Course, workspace: Path) -> None:
    apply.goto(course, workspace, 2)
    seen: dict[str, object] = {}

    def runner(
        command: Sequence[str], cwd: Path, env: dict[str, str]
    ) -> subprocess.CompletedProcess[str]:
        seen.update(command=list(command), cwd=cwd, env=env)
        return subprocess.CompletedProcess(command, 0, "1 passed")

    report = run_step_tests(
        course, workspace, 2, database_url="sqlite+aiosqlite:///x.db", runner=runner
    )
    command = seen["command"]
    assert isinstance(command, list)
    assert command[:4] == [sys.executable, "-m", "pytest", "tests/test_calc.py"]
    assert "-q" in command
    assert command[command.index("-p") + 1] == "no:cacheprovider"
    assert command[command.index("-p", command.index("-p") + 1) + 1] == (
        "vibecode.workspace.pytest_report"
    )
    assert "--rootdir=." in command  # never the path: pytest expands a `$` in it
    assert "--timeout=30" in command
    assert "-x" not in command
    assert seen["cwd"] == workspace
    env = seen["env"]
    assert isinstance(env, dict)
    assert env["PYTHONPATH"] == str(workspace)
    assert env["DATABASE_URL"] == env["TEST_DATABASE_URL"] == "sqlite+aiosqlite:///x.db"
    assert env["VIBECODE_ROOT"] == str(workspace)
    assert env["VIBECODE_REPORT"].endswith("report.jsonl")
    # The fake wrote no report: an error, not a pass.
    assert not report.ok
