"""Fixtures for the workspace engine's tests; the helpers themselves live in `workspace_kit`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tool_tests.workspace.workspace_kit import SMALL_COURSE, Cli, write_course
from vibecode.course.manifest import Course, load_course


@pytest.fixture
def course_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small fixture course, found by the CLI through VIBECODE_STEPS."""
    root = write_course(tmp_path / "steps", SMALL_COURSE)
    monkeypatch.setenv("VIBECODE_STEPS", str(root))
    return root


@pytest.fixture
def course(course_root: Path) -> Course:
    """The small fixture course, loaded."""
    return load_course(course_root)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Cli:
    """The CLI through Typer's CliRunner, with a wide terminal so lines do not wrap."""
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NO_COLOR", "1")
    return Cli()
