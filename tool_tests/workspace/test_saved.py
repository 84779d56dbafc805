"""Saved sets: listed newest first, found by name, prefix or `latest`, restored safely."""

from __future__ import annotations

from pathlib import Path

import pytest

from tool_tests.workspace.workspace_kit import saved_contents
from vibecode.errors import VibecodeError
from vibecode.workspace import saved
from vibecode.workspace.files import sha256


def test_save_list_find(workspace: Path) -> None:
    first = saved.save_files(workspace, {"a.py": (b"A", "changed")}, step=1, reason="goto 2")
    second = saved.save_files(workspace, {"b/c.py": (b"C", "yours")}, step=1, reason="goto 3")
    assert first.id != second.id
    assert second.id.endswith("-step-01")
    assert [s.id for s in saved.list_saved(workspace)] == [second.id, first.id]
    assert saved.find_saved(workspace, "latest") == second
    assert saved.find_saved(workspace, first.id) == first
    assert saved.find_saved(workspace, second.id[:-3]) == second  # a unique prefix
    with pytest.raises(VibecodeError, match="matches several"):
        saved.find_saved(workspace, second.id[:4])
    with pytest.raises(VibecodeError, match="is not a saved set"):
        saved.find_saved(workspace, "nope")
    (item,) = second.files
    assert (item.path, item.sha256, item.size, item.why) == ("b/c.py", sha256(b"C"), 1, "yours")


def test_no_saved_sets(workspace: Path) -> None:
    assert saved.list_saved(workspace) == []
    with pytest.raises(VibecodeError, match="has no saved files"):
        saved.find_saved(workspace, "latest")


def test_a_set_cut_short_before_its_manifest_is_still_listed(workspace: Path) -> None:
    made = saved.save_files(workspace, {"a.py": (b"A", "changed")}, step=2, reason="goto 3")
    (made.folder / saved.MANIFEST).unlink()
    (listed,) = saved.list_saved(workspace)
    assert [(f.path, f.sha256) for f in listed.files] == [("a.py", sha256(b"A"))]
    assert listed.step == 2
    assert "no valid manifest" in listed.reason


def test_restore_saves_what_it_replaces(workspace: Path) -> None:
    workspace.mkdir()
    made = saved.save_files(
        workspace, {"a.py": (b"old edit", "changed"), "b.py": (b"B", "changed")}, step=1, reason=""
    )
    (workspace / "a.py").write_bytes(b"newer edit")  # the user's: saved before replacing
    (workspace / "b.py").write_bytes(b"B")  # already the saved content
    result = saved.restore(workspace, made.id)
    assert result.restored == ("a.py",)
    assert result.unchanged == ("b.py",)
    assert [(f.path, f.why) for f in result.saved] == [("a.py", "replaced")]
    assert (workspace / "a.py").read_bytes() == b"old edit"
    assert ("a.py", b"newer edit") in saved_contents(workspace)
    # Restoring the copy of the newer edit brings it back in turn.
    saved.restore(workspace, result.saved[0].set_id, ["a.py"])
    assert (workspace / "a.py").read_bytes() == b"newer edit"


def test_restore_does_not_copy_the_tools_own_content(workspace: Path) -> None:
    workspace.mkdir()
    made = saved.save_files(workspace, {"a.py": (b"edit", "changed")}, step=1, reason="")
    (workspace / "a.py").write_bytes(b"course content")
    result = saved.restore(workspace, made.id, owned=lambda path: {sha256(b"course content")})
    assert result.saved == ()
    assert (workspace / "a.py").read_bytes() == b"edit"


def test_restore_one_file_and_unknown_files(workspace: Path) -> None:
    workspace.mkdir()
    made = saved.save_files(
        workspace, {"a.py": (b"A", "changed"), "d/b.py": (b"B", "changed")}, step=1, reason=""
    )
    result = saved.restore(workspace, made.id, ["d/b.py"])
    assert result.restored == ("d/b.py",)
    assert not (workspace / "a.py").exists()
    with pytest.raises(VibecodeError, match=r"has no nope\.py"):
        saved.restore(workspace, made.id, ["nope.py"])
