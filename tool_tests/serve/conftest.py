"""Fixtures for the serve, rehearse and doctor tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from tool_tests.serve import fixtures


@pytest.fixture
def app_workspace(tmp_path: Path) -> Path:
    """A workspace with a small FastAPI app (health, items), outside any course."""
    return fixtures.make_app(tmp_path / "ws")


@pytest.fixture
def course_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A two-step course that the CLI finds through VIBECODE_STEPS."""
    root = fixtures.make_course(tmp_path / "steps")
    monkeypatch.setenv("VIBECODE_STEPS", str(root))
    return root


@pytest.fixture(autouse=True)
def _no_inherited_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests choose their database explicitly, whatever the developer's shell exports."""
    monkeypatch.delenv("DATABASE_URL", raising=False)


@pytest.fixture
def no_orphans() -> Iterator[None]:
    """Fail when a test leaves a child process of this test run behind."""
    me = psutil.Process(os.getpid())
    before = {p.pid for p in me.children(recursive=True)}
    yield
    left = [
        p
        for p in me.children(recursive=True)
        if p.pid not in before and p.status() != psutil.STATUS_ZOMBIE
    ]
    for process in left:
        process.kill()
    assert not left, f"processes left behind: {[p.cmdline() for p in left]}"
