"""The room's tests build real workspaces of the built-in course."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from vibecode.course.loader import load
from vibecode.workspace.apply import goto


@pytest.fixture
def make_workspace(tmp_path: Path) -> Callable[[str, int], Path]:
    """A workspace of the built-in course at step N."""

    def make(name: str, step: int) -> Path:
        path = tmp_path / name
        goto(load(), path, step)
        return path

    return make
