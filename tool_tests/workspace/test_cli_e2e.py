"""The CLI as real processes: `python -m vibecode ...`, as presenters and attendees run it."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tool_tests.workspace.workspace_kit import (
    SMALL_COURSE,
    StepSpec,
    run_vibecode,
    saved_contents,
    snapshot,
    write_course,
)
from vibecode.course.manifest import load_course

pytestmark = pytest.mark.e2e

HEAVY = ("textual", "fastapi", "sqlalchemy", "httpx", "uvicorn", "aiohttp", "hdrh", "psutil")
"""Modules that must stay off the start-up path of `vibecode steps` and `vibecode status`."""


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A fixture course and a workspace, passed to the processes through the environment."""
    root = write_course(tmp_path / "steps", SMALL_COURSE)
    return {"VIBECODE_STEPS": str(root), "VIBECODE_WORKSPACE": str(tmp_path / "workshop")}


def test_a_session_from_an_empty_folder(env: dict[str, str], tmp_path: Path) -> None:
    workspace = Path(env["VIBECODE_WORKSPACE"])
    course = load_course(Path(env["VIBECODE_STEPS"]))

    result = run_vibecode("goto", "2", env=env)
    assert result.code == 0, result.stderr
    assert "Step 2/5: Calc and config" in result.stdout
    assert snapshot(workspace) == course.checkpoint(2)

    result = run_vibecode("check", env=env)
    assert result.code == 0, result.stdout + result.stderr
    assert "PASS step 2: 1 passed" in result.stdout

    (workspace / "app/calc.py").write_text("def add(a, b):\n    return a - b\n")
    result = run_vibecode("check", env=env)
    assert result.code == 1
    assert "FAIL step 2" in result.stdout

    result = run_vibecode("status", env=env)
    assert result.code == 0
    assert "app/calc.py" in result.stdout

    result = run_vibecode("diff", env=env)
    assert "-    return a + b" in result.stdout
    assert "+    return a - b" in result.stdout

    result = run_vibecode("next", env=env)
    assert result.code == 0, result.stderr
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("saved ")]
    command = shlex.split(line.split("get it back: ")[1])
    assert command[:2] == ["vibecode", "restore"]
    assert snapshot(workspace) == course.checkpoint(3)

    result = run_vibecode(*command[1:], env=env)
    assert result.code == 0, result.stderr
    assert (workspace / "app/calc.py").read_text() == "def add(a, b):\n    return a - b\n"

    result = run_vibecode("steps", env=env)
    assert result.code == 0
    assert "current" in result.stdout

    result = run_vibecode("show", "3", env=env)
    assert result.code == 0
    assert "+LEGACY = 3" in result.stdout

    result = run_vibecode("goto", "0", env=env)
    assert result.code == 0
    assert "saved app/calc.py" in result.stderr  # the restored edit, saved again
    assert snapshot(workspace) == {}
    assert ("app/calc.py", b"def add(a, b):\n    return a - b\n") in saved_contents(workspace)


def test_errors_are_one_line_on_stderr(env: dict[str, str], tmp_path: Path) -> None:
    result = run_vibecode("status", env=env)
    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: there is no workspace at")

    run_vibecode("goto", "1", env=env)
    (Path(env["VIBECODE_WORKSPACE"]) / ".vibecode/state.json").write_text("{")
    result = run_vibecode("next", env=env)
    assert result.code == 2
    assert result.stderr.count("\n") == 1
    assert "is corrupt" in result.stderr
    assert re.search(r"vibecode reset --step \d+", result.stderr)

    broken = write_course(
        tmp_path / "broken", [StepSpec("one", manifest='title = "x"\nminutes = "ten"\n')]
    )
    result = run_vibecode("steps", env={**env, "VIBECODE_STEPS": str(broken)})
    assert result.code == 2
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert f"{broken}/01-one/step.toml" in result.stderr

    result = run_vibecode("goto", "x", env=env)
    assert result.code == 2  # Click's usage error


@pytest.mark.parametrize("command", ["steps", "status"])
def test_heavy_modules_stay_off_the_start_up_path(env: dict[str, str], command: str) -> None:
    run_vibecode("goto", "2", env=env)
    result = run_vibecode(command, env={**env, "PYTHONPROFILEIMPORTTIME": "1"})
    assert result.code == 0, result.stderr
    imported = {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "typer" in imported  # the measurement works
    assert sorted(imported & set(HEAVY)) == []
