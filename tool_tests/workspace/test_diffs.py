"""Step diffs (what a step changes) and workspace diffs (what the user changed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from vibecode.course.diffs import FileDiff, diff_files, step_diff, unified
from vibecode.course.manifest import Course
from vibecode.errors import StepError
from vibecode.workspace import apply
from vibecode.workspace.diff import local_changes, workspace_diff
from vibecode.workspace.state import load_state


def test_step_diff_against_the_step_before(course: Course) -> None:
    diffs = {d.path: d.status for d in step_diff(course, 4)}
    assert diffs == {
        "alembic.ini": "added",
        "app/calc.py": "deleted",
        "app/core/config.py": "changed",
        "app/old/__init__.py": "deleted",
        "app/old/deep/legacy.py": "deleted",
    }
    assert {d.path for d in step_diff(course, 1)} == set(course.checkpoint(1))
    with pytest.raises(StepError):
        step_diff(course, 0)


def test_unified_diff_text() -> None:
    old = {"a.py": b"one\ntwo\n", "gone.py": b"x\n", "empty.py": b""}
    new = {"a.py": b"one\nthree", "new.py": b"y\n", "bin": b"\xff\x00"}
    text = unified(old, new)
    assert "--- a/a.py\n+++ b/a.py\n" in text
    assert "-two\n+three\n\\ No newline at end of file\n" in text
    assert "--- a/gone.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n" in text
    assert "--- /dev/null\n+++ b/new.py\n" in text
    assert "--- a/empty.py\n+++ /dev/null\n" in text
    assert "Binary files /dev/null and b/bin differ\n" in text
    assert unified(old, old) == ""


def test_counts() -> None:
    (change,) = diff_files({"a": b"1\n2\n3\n"}, {"a": b"1\n4\n5\n3\n"})
    assert change.counts == (2, 1)
    assert FileDiff("b", "added", None, b"\x00\xff").counts == (0, 0)


def test_local_changes_and_workspace_diff(course: Course, workspace: Path) -> None:
    apply.goto(course, workspace, 2)
    (workspace / "app/calc.py").write_text("changed")
    (workspace / "app/main.py").unlink()
    (workspace / "notes.md").write_text("mine")
    (workspace / "app/__pycache__").mkdir()
    (workspace / "app/__pycache__/x.pyc").write_bytes(b"")
    changes = local_changes(workspace, load_state(workspace))
    assert (changes.changed, changes.missing, changes.new) == (
        ("app/calc.py",),
        ("app/main.py",),
        ("notes.md",),
    )
    assert not changes.clean
    result = workspace_diff(course, workspace, 2)
    assert [d.path for d in result.changed] == ["app/calc.py"]
    assert result.missing == ("app/main.py",)
    assert result.extra == ("notes.md",)
    apply.reset(course, workspace)
    (workspace / "notes.md").unlink()
    assert local_changes(workspace, load_state(workspace)).clean
    assert workspace_diff(course, workspace, 2).files == ()
