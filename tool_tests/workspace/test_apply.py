"""Applying steps: any step in one go, the same files whatever the route, and no edit lost."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tool_tests.workspace.workspace_kit import (
    InterruptAfter,
    assert_routes_agree,
    saved_contents,
    snapshot,
)
from vibecode.course.manifest import Course
from vibecode.errors import StepError, VibecodeError
from vibecode.workspace import apply
from vibecode.workspace.files import sha256
from vibecode.workspace.saved import SavedFile, list_saved
from vibecode.workspace.state import load_state, state_path


def test_goto_creates_the_workspace(course: Course, workspace: Path) -> None:
    result = apply.goto(course, workspace, 2)
    assert result.created
    assert (result.from_step, result.step) == (0, 2)
    assert snapshot(workspace) == course.checkpoint(2)
    state = load_state(workspace)
    assert state.step == 2
    assert state.pending is None
    assert state.files == {p: sha256(d) for p, d in course.checkpoint(2).items()}


def test_goto_into_an_empty_existing_folder(course: Course, workspace: Path) -> None:
    workspace.mkdir()
    assert apply.goto(course, workspace, 1).created
    assert snapshot(workspace) == course.checkpoint(1)


def test_every_route_to_a_step_gives_the_same_files(course: Course, tmp_path: Path) -> None:
    """goto N directly == stepping 0 -> N one at a time == stepping down from the last step."""
    assert_routes_agree(course, tmp_path)
    # Going down to 0 leaves no folder behind: every folder the tool made became empty.
    assert [p.name for p in (tmp_path / "down").iterdir()] == [".vibecode"]


def test_any_step_to_any_step(course: Course, workspace: Path) -> None:
    for start in range(course.last + 1):
        for end in range(course.last + 1):
            apply.goto(course, workspace, start)
            result = apply.goto(course, workspace, end)
            assert snapshot(workspace) == course.checkpoint(end), f"{start} -> {end}"
            assert not result.saved
    assert list_saved(workspace) == []


def test_edits_are_saved_before_they_are_overwritten_or_deleted(
    course: Course, workspace: Path
) -> None:
    apply.goto(course, workspace, 3)
    edits = {
        "app/main.py": b"print('mine')\n",  # step 4 does not change it: back to the checkpoint
        "app/old/deep/legacy.py": b"MINE = 1\n",  # step 4 deletes it
        "app/core/config.py": b"NAME = 'mine'\n",  # step 4 changes it
    }
    for path, data in edits.items():
        (workspace / path).write_bytes(data)
    announced: list[SavedFile] = []
    result = apply.goto(course, workspace, 4, on_saved=announced.append)
    assert sorted(f.path for f in result.saved) == sorted(edits)
    assert announced == list(result.saved)
    assert {f.why for f in result.saved} == {"changed"}
    assert sorted(saved_contents(workspace)) == sorted(edits.items())
    (saved_set,) = list_saved(workspace)
    assert saved_set.id.endswith("-step-03")
    assert saved_set.reason == "goto 4"
    manifest = json.loads((saved_set.folder / "manifest.json").read_text())
    assert manifest["files"]["app/core/config.py"]["sha256"] == sha256(b"NAME = 'mine'\n")
    assert manifest["step"] == 3
    assert snapshot(workspace) == course.checkpoint(4)
    assert not (workspace / "app/old").exists()


def test_files_the_tool_never_wrote_are_never_touched(course: Course, workspace: Path) -> None:
    apply.goto(course, workspace, 3)
    mine = {"notes.md": b"my notes", "app/old/deep/mine.py": b"X = 1", "app/extra/a.py": b"A"}
    for path, data in mine.items():
        (workspace / path).parent.mkdir(parents=True, exist_ok=True)
        (workspace / path).write_bytes(data)
    (workspace / ".env").write_text("SECRET=1")
    (workspace / "vibecode.db").write_bytes(b"sqlite")
    for number in (0, 5, 1, 4, 2):
        result = apply.goto(course, workspace, number)
        assert not result.saved
        for path, data in mine.items():
            assert (workspace / path).read_bytes() == data
        assert {**course.checkpoint(number), **mine} == snapshot(workspace)
    assert (workspace / ".env").read_text() == "SECRET=1"
    assert (workspace / "vibecode.db").read_bytes() == b"sqlite"


def test_a_file_of_yours_where_the_step_writes_is_saved_first(
    course: Course, workspace: Path
) -> None:
    apply.goto(course, workspace, 1)
    (workspace / "app/calc.py").write_text("def add(a, b):\n    return 42\n")  # step 2 writes it
    result = apply.goto(course, workspace, 2)
    assert [(f.path, f.why) for f in result.saved] == [("app/calc.py", "yours")]
    assert saved_contents(workspace) == [("app/calc.py", b"def add(a, b):\n    return 42\n")]
    assert snapshot(workspace) == course.checkpoint(2)


def test_a_file_in_the_way_of_a_folder_is_saved_and_moved(course: Course, workspace: Path) -> None:
    apply.goto(course, workspace, 1)
    (workspace / "tests").write_text("not a folder")
    result = apply.goto(course, workspace, 2)
    assert [(f.path, f.why) for f in result.saved] == [("tests", "yours")]
    assert snapshot(workspace) == course.checkpoint(2)


def test_a_folder_where_a_file_goes_is_refused_before_anything_changes(
    course: Course, workspace: Path
) -> None:
    apply.goto(course, workspace, 1)
    (workspace / "app/calc.py").mkdir()
    (workspace / "app/calc.py/mine.py").write_text("X = 1")
    before = snapshot(workspace)
    with pytest.raises(VibecodeError, match=r"app/calc.py is a folder, but step 2 needs a file"):
        apply.goto(course, workspace, 2)
    assert snapshot(workspace) == before
    assert load_state(workspace).step == 1
    assert load_state(workspace).pending is None


def test_unknown_steps_and_bounds(course: Course, workspace: Path) -> None:
    with pytest.raises(StepError, match="there is no step 9"):
        apply.goto(course, workspace, 9)
    assert not workspace.exists()
    apply.goto(course, workspace, course.last)
    with pytest.raises(VibecodeError, match="is the last step"):
        apply.move(course, workspace, 1)
    apply.goto(course, workspace, 0)
    with pytest.raises(VibecodeError, match="step 0"):
        apply.move(course, workspace, -1)


def test_a_folder_with_files_but_no_state_is_not_taken_over(
    course: Course, workspace: Path
) -> None:
    workspace.mkdir()
    (workspace / "app.py").write_text("mine")
    with pytest.raises(VibecodeError, match="has no vibecode state") as caught:
        apply.goto(course, workspace, 1)
    assert re.search(r"vibecode reset --step \d+", str(caught.value))
    assert [p.name for p in workspace.iterdir()] == ["app.py"]


def test_reset_brings_the_checkpoint_back_and_saves_edits(course: Course, workspace: Path) -> None:
    apply.goto(course, workspace, 2)
    (workspace / "app/calc.py").write_text("broken")
    (workspace / "app/main.py").unlink()
    result = apply.reset(course, workspace)
    assert result.step == 2
    assert [f.path for f in result.saved] == ["app/calc.py"]
    assert list_saved(workspace)[0].reason == "reset"
    assert snapshot(workspace) == course.checkpoint(2)


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_reset_step_is_the_way_out_of_a_broken_state(
    course: Course, workspace: Path, damage: str
) -> None:
    apply.goto(course, workspace, 3)
    (workspace / "app/main.py").write_text("print('mine')\n")
    (workspace / "notes.md").write_text("mine")
    if damage == "missing":
        state_path(workspace).unlink()
    else:
        state_path(workspace).write_text("{ not json")
    with pytest.raises(VibecodeError) as caught:
        apply.goto(course, workspace, 4)
    # The hint names the step the files match best, and what the command will do.
    if damage == "missing":  # app/main.py and notes.md are not the course's: --force needed
        assert "`vibecode reset --step 3 --force` adopts it anyway" in str(caught.value)
        with pytest.raises(VibecodeError, match="2 files that are not the course's"):
            apply.reset(course, workspace, step=4)
    else:
        assert "`vibecode reset --step 3` rebuilds the state" in str(caught.value)
    result = apply.reset(course, workspace, step=4, force=damage == "missing")
    # Course content is recognised as the tool's (no copy), the edit is saved, notes untouched.
    assert [(f.path, f.why) for f in result.saved] == [("app/main.py", "yours")]
    assert snapshot(workspace) == {**course.checkpoint(4), "notes.md": b"mine"}
    assert load_state(workspace).step == 4
    if damage == "corrupt":
        assert state_path(workspace).with_name("state.json.corrupt").read_text() == "{ not json"


def _edited_step_3(course: Course, workspace: Path) -> dict[str, bytes]:
    apply.goto(course, workspace, 3)
    edits = {
        "app/main.py": b"print('edited')\n",  # step 5 does not change main.py
        "app/old/__init__.py": b"EDITED = True\n",  # step 5 deletes it: saved
        "app/core/config.py": b"NAME = 'edited'\n",  # step 5 changes it: saved
    }
    for path, data in edits.items():
        (workspace / path).write_bytes(data)
    return edits


def _count_operations(course: Course, workspace: Path) -> int:
    _edited_step_3(course, workspace)
    counter = InterruptAfter(10**6)
    apply.goto(course, workspace, 5, writer=counter)
    return counter.done


@pytest.mark.parametrize("then", ["goto", "repair", "reset", "goto-elsewhere"])
def test_an_interrupted_goto_is_repaired_by_the_next_command(
    course: Course, tmp_path: Path, then: str
) -> None:
    total = _count_operations(course, tmp_path / "count")
    assert total > 5
    for limit in range(total):
        workspace = tmp_path / f"{then}-{limit}"
        edits = _edited_step_3(course, workspace)
        with pytest.raises(KeyboardInterrupt):
            apply.goto(course, workspace, 5, writer=InterruptAfter(limit))
        state = load_state(workspace)  # never corrupt, whatever the moment
        assert state.step == 3
        result: apply.ApplyResult | None = None
        if then == "goto":
            apply.goto(course, workspace, 5)
            final = 5
        elif then == "repair":
            result = apply.repair(course, workspace)
            final = 5 if state.pending is not None else 3
            assert (result is not None) == (state.pending is not None)
        elif then == "reset":
            apply.reset(course, workspace)
            final = 3
        else:
            apply.goto(course, workspace, 2)
            final = 2
        state = load_state(workspace)
        assert state.pending is None
        assert state.step == final
        expected = course.checkpoint(final)
        if then == "repair" and result is None:  # cut short before any change: edits in place
            expected = {**expected, **edits}
        kept = {p: d for p, d in edits.items() if expected.get(p) == d}
        assert snapshot(workspace) == expected, f"interrupted after {limit}"
        saved = saved_contents(workspace)
        for path, data in edits.items():
            assert path in kept or (path, data) in saved, f"lost {path} after {limit}"
        leftovers = [p for p in workspace.rglob("*.vibecode-tmp")]
        assert leftovers == []


def test_repair_without_anything_to_repair(course: Course, workspace: Path) -> None:
    apply.goto(course, workspace, 2)
    assert apply.repair(course, workspace) is None


def test_a_second_interruption_keeps_everything_the_tool_wrote_known(
    course: Course, workspace: Path
) -> None:
    """Interrupted twice on different moves: no file the tool wrote is taken for an edit."""
    apply.goto(course, workspace, 1)
    with pytest.raises(KeyboardInterrupt):
        apply.goto(course, workspace, 3, writer=InterruptAfter(4))
    with pytest.raises(KeyboardInterrupt):
        apply.goto(course, workspace, 5, writer=InterruptAfter(4))
    result = apply.goto(course, workspace, 2)
    assert result.interrupted == 5
    assert result.saved == ()
    assert snapshot(workspace) == course.checkpoint(2)
