"""Fixtures shared by every area of the tool's tests."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


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
