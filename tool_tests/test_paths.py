"""Which workspace a command acts on when none is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from vibecode.paths import resolve_workspace, state_file


def make_workspace(folder: Path) -> Path:
    state_file(folder).parent.mkdir(parents=True)
    state_file(folder).write_text("{}")
    return folder


def test_inside_a_workspace_the_command_acts_on_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = make_workspace(tmp_path / "ws")
    (workspace / "app" / "api").mkdir(parents=True)
    monkeypatch.delenv("VIBECODE_WORKSPACE", raising=False)
    monkeypatch.chdir(workspace / "app" / "api")
    assert resolve_workspace() == workspace.resolve()


def test_outside_any_workspace_it_is_the_workshop_folder_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VIBECODE_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)
    assert resolve_workspace() == tmp_path.resolve() / "workshop"


def test_an_option_or_the_variable_wins_over_the_folder_you_are_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = make_workspace(tmp_path / "ws")
    monkeypatch.chdir(workspace)
    monkeypatch.setenv("VIBECODE_WORKSPACE", str(tmp_path / "other"))
    assert resolve_workspace() == (tmp_path / "other").resolve()
    assert resolve_workspace(tmp_path / "third") == (tmp_path / "third").resolve()
