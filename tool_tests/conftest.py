"""Fixtures shared by every area of the tool's tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tool_tests.tmux_kit import Tmux

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    """A private tmux server (its own socket), killed at the end whatever happens."""
    server = Tmux()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def repo_root() -> Path:
    """The vibecode checkout under test."""
    return REPO_ROOT


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty workspace folder that the CLI finds through VIBECODE_WORKSPACE."""
    path = tmp_path / "workshop"
    monkeypatch.setenv("VIBECODE_WORKSPACE", str(path))
    return path


@pytest.fixture(autouse=True)
def _course_cache_in_tmp(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI's parsed-manifest cache goes to a temporary folder, not the user's ~/.cache."""
    monkeypatch.setenv("VIBECODE_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "vibecode-cache"))


@pytest.fixture(autouse=True)
def _course_selection_restored() -> Iterator[None]:
    """`--course`/`--track` write the selection to the environment: undo it after each test."""
    import os

    saved = {key: os.environ.get(key) for key in ("VIBECODE_COURSE", "VIBECODE_TRACK")}
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
