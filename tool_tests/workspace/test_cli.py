"""The presenter/attendee commands through Typer's runner: output, exit codes, stderr vs stdout."""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from pathlib import Path

import pytest

from tool_tests.workspace.workspace_kit import (
    SMALL_COURSE,
    Cli,
    StepSpec,
    saved_contents,
    snapshot,
    write_course,
)
from vibecode.course.manifest import Course
from vibecode.workspace import apply
from vibecode.workspace.saved import list_saved
from vibecode.workspace.state import load_state, state_path


def one_line_error(stderr: str) -> str:
    """The single line a user error prints, checked to be a single line without a traceback."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def saved_commands(stderr: str) -> list[list[str]]:
    """The `vibecode restore ...` commands printed after `get it back:`."""
    return [
        shlex.split(line.split("get it back: ", 1)[1])
        for line in stderr.splitlines()
        if "get it back: " in line
    ]


def test_help_lists_the_commands(cli: Cli) -> None:
    result = cli("--help")
    assert result.code == 0
    for name in ("steps", "status", "next", "prev", "goto", "checkout", "show", "diff", "check"):
        assert name in result.stdout
    for name in ("reset", "restore"):
        assert name in result.stdout


def test_steps_without_a_workspace(cli: Cli, course_root: Path, workspace: Path) -> None:
    result = cli("steps")
    assert result.code == 0
    assert "The course: 5 steps" in result.stdout
    assert "Calc and config" in result.stdout
    assert result.stdout.count("ahead") == 5
    assert "Total" in result.stdout
    assert "25" in result.stdout


def test_steps_marks_done_skipped_passed_current_ahead(
    cli: Cli, course: Course, workspace: Path
) -> None:
    apply.goto(course, workspace, 1)
    apply.move(course, workspace, 1)
    assert cli("check").code == 0  # step 2's tests pass: recorded
    apply.goto(course, workspace, 4)  # jumps over step 3

    lines = cli("steps").stdout.splitlines()
    row = {n: next(line for line in lines if line.startswith(f"│ {n} ")) for n in range(1, 6)}
    assert "done" in row[1]
    assert "passed" in row[2]
    assert "skipped" in row[3]
    assert "current" in row[4]
    assert "ahead" in row[5]
    assert load_state(workspace).reached == {1, 2, 4}


def test_steps_with_a_corrupt_state_still_shows_the_course(
    cli: Cli, course: Course, workspace: Path
) -> None:
    apply.goto(course, workspace, 1)
    state_path(workspace).write_text("garbage")
    result = cli("steps")
    assert result.code == 0
    assert "is corrupt" in result.stderr
    assert re.search(r"vibecode reset --step \d+", result.stderr)


def test_goto_next_prev_checkout(cli: Cli, course_root: Path, workspace: Path) -> None:
    result = cli("goto", "2")
    assert result.code == 0, result.stderr
    assert "created the workspace" in result.stderr
    assert "Step 2/5: Calc and config" in result.stdout
    assert "step 0 -> 2: 7 written, 0 deleted" in result.stdout
    assert cli("next").code == 0
    assert load_state(workspace).step == 3
    assert cli("prev").code == 0
    assert cli("prev").code == 0
    assert load_state(workspace).step == 1
    assert cli("checkout", "5").code == 0
    assert load_state(workspace).step == 5
    assert "Step 0: the empty workspace" in cli("goto", "0").stdout


def test_moves_out_of_bounds(cli: Cli, course_root: Path, workspace: Path) -> None:
    assert "there is no step 9" in one_line_error(cli("goto", "9").stderr)
    assert cli("goto", "9").code == 2
    assert cli("goto", "-1").code == 2  # a usage error from the argument's bounds
    cli("goto", "5")
    result = cli("next")
    assert result.code == 2
    assert "last step" in one_line_error(result.stderr)
    cli("goto", "0")
    result = cli("prev")
    assert result.code == 2
    assert "step 0" in one_line_error(result.stderr)


def test_workspace_option_beats_the_environment(
    cli: Cli, course_root: Path, workspace: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    assert cli("goto", "1", "-w", str(other)).code == 0
    assert load_state(other).step == 1
    assert not workspace.exists()
    assert cli("status", "--workspace", str(other)).code == 0


def test_status(cli: Cli, course: Course, workspace: Path) -> None:
    apply.goto(course, workspace, 2)
    result = cli("status")
    assert result.code == 0
    assert str(workspace) in result.stdout
    assert "Step 2 of 5: Calc and config" in result.stdout
    assert "No changes since the tool wrote this step." in result.stdout
    assert "next: vibecode next -> step 3: Legacy" in result.stdout
    (workspace / "app/calc.py").write_text("mine")
    (workspace / "app/main.py").unlink()
    (workspace / "notes.md").write_text("mine")
    lines = cli("status").stdout.splitlines()
    assert any("app/calc.py" in line and "changed" in line for line in lines)
    assert any("app/main.py" in line and "deleted" in line for line in lines)
    assert any("notes.md" in line and "new" in line for line in lines)


def test_status_without_a_workspace(cli: Cli, course_root: Path, workspace: Path) -> None:
    result = cli("status")
    assert result.code == 2
    line = one_line_error(result.stderr)
    assert "there is no workspace" in line
    assert "vibecode goto 1" in line
    assert result.stdout == ""


@pytest.mark.parametrize("damage", ["{", '{"version": 1}', ""])
def test_corrupt_state_gives_a_way_out(
    cli: Cli, course: Course, workspace: Path, damage: str
) -> None:
    apply.goto(course, workspace, 2)
    (workspace / "app/calc.py").write_text("mine")
    state_path(workspace).write_text(damage)
    for command in ("status", "next", "diff", "check", "reset", "goto"):
        args = [command, "1"] if command == "goto" else [command]
        result = cli(*args)
        assert result.code == 2, command
        line = one_line_error(result.stderr)
        assert "corrupt" in line
        assert re.search(r"vibecode reset --step \d+", line)
    result = cli("reset", "--step", "2")
    assert result.code == 0, result.stderr
    assert ("app/calc.py", b"mine") in saved_contents(workspace)
    assert snapshot(workspace) == course.checkpoint(2)
    assert cli("status").code == 0


def test_missing_state_gives_a_way_out(cli: Cli, course: Course, workspace: Path) -> None:
    apply.goto(course, workspace, 2)
    state_path(workspace).unlink()
    line = one_line_error(cli("status").stderr)
    assert "has no vibecode state" in line
    assert re.search(r"vibecode reset --step \d+", line)
    assert cli("reset", "--step", "2").code == 0
    assert load_state(workspace).step == 2


def test_show(cli: Cli, course: Course, workspace: Path) -> None:
    result = cli("show", "4")
    assert result.code == 0
    assert "Step 4/5: Cleanup" in result.stdout
    assert "Talking points" in result.stdout
    assert "- Say what step 4 does" in result.stdout
    assert "-NAME = 'two'" in result.stdout
    assert "+NAME = 'four'" in result.stdout
    assert "deleted app/calc.py" in result.stdout
    # Without N: the workspace's current step (or the first one).
    assert "Step 1/5" in cli("show").stdout
    apply.goto(course, workspace, 2)
    assert "Step 2/5" in cli("show").stdout
    assert "tests: tests/test_calc.py" in cli("show").stdout
    assert cli("show", "0").code == 2
    result = cli("show", "6")
    assert result.code == 2
    assert "there is no step 6" in one_line_error(result.stderr)


def test_diff(cli: Cli, course: Course, workspace: Path) -> None:
    apply.goto(course, workspace, 2)
    result = cli("diff")
    assert result.code == 0
    assert "The workspace matches step 2's checkpoint." in result.stdout
    (workspace / "app/calc.py").write_text("def add(a, b):\n    return 42\n")
    (workspace / "app/main.py").unlink()
    (workspace / "notes.md").write_text("mine")
    result = cli("diff")
    assert result.code == 0
    assert "changed app/calc.py +1 -1" in result.stdout
    assert "missing app/main.py" in result.stdout
    assert "new     notes.md" in result.stdout
    assert "--- step-2/app/calc.py" in result.stdout
    assert "+++ workspace/app/calc.py" in result.stdout
    assert "+    return 42" in result.stdout
    assert "vibecode reset brings the missing files back" in result.stdout
    stat = cli("diff", "--stat").stdout
    assert "changed app/calc.py" in stat
    assert "+    return 42" not in stat


def test_check(cli: Cli, course: Course, workspace: Path) -> None:
    apply.goto(course, workspace, 2)
    result = cli("check")
    assert result.code == 0, result.stdout + result.stderr
    assert "PASS step 2: 1 passed" in result.stdout
    (workspace / "app/calc.py").write_text("def add(a, b):\n    return 0\n")
    result = cli("check")
    assert result.code == 1
    assert "FAIL step 2: 0 passed, 1 failed" in result.stdout
    assert "tests/test_calc.py::test_add" in result.stdout
    assert "assert 0 == 3" in result.stdout
    assert "pytest's output: vibecode check --verbose" in result.stderr
    assert "error: step 2's tests do not pass yet" in result.stderr
    verbose = cli("check", "-v")
    assert verbose.code == 1
    assert "1 failed" in verbose.stdout
    apply.reset(course, workspace, step=4)
    result = cli("check")
    assert result.code == 0
    assert "Step 4 declares no tests" in result.stdout


def test_saved_lines_give_the_exact_command_back(
    cli: Cli, course_root: Path, workspace: Path, tmp_path: Path
) -> None:
    cli("goto", "2")
    (workspace / "app/calc.py").write_text("mine\n")
    (workspace / "app/main.py").write_text("print('mine')\n")
    result = cli("goto", "4")
    assert result.code == 0
    lines = [line for line in result.stderr.splitlines() if line.startswith("saved ")]
    assert len(lines) == 2
    assert lines[0].startswith("saved app/calc.py (your edits since the tool wrote it)")
    commands = saved_commands(result.stderr)
    assert [c[:2] for c in commands] == [["vibecode", "restore"]] * 2
    assert [c[3] for c in commands] == ["app/calc.py", "app/main.py"]
    # Running the printed command brings the file back.
    result = cli(*commands[0][1:])
    assert result.code == 0
    assert (workspace / "app/calc.py").read_text() == "mine\n"
    assert "restored app/calc.py" in result.stdout
    # With a workspace that is not the default one, the command names it.
    other = tmp_path / "elsewhere"
    cli("goto", "2", "-w", str(other))
    (other / "app/main.py").write_text("x")
    result = cli("reset", "-w", str(other))
    (command,) = saved_commands(result.stderr)
    assert command[-2:] == ["-w", str(other)]
    assert cli(*command[1:]).code == 0
    assert (other / "app/main.py").read_text() == "x"


def test_reset_and_restore(cli: Cli, course: Course, workspace: Path) -> None:
    apply.goto(course, workspace, 2)
    assert "No saved files" in cli("restore").stdout
    (workspace / "app/calc.py").write_text("first\n")
    assert cli("reset").code == 0
    assert snapshot(workspace) == course.checkpoint(2)
    (workspace / "app/calc.py").write_text("second\n")
    assert cli("reset").code == 0
    listing = cli("restore")
    assert listing.code == 0
    assert "Saved sets, newest first" in listing.stdout
    assert listing.stdout.count("-step-02") == 2
    assert "reset" in listing.stdout
    result = cli("restore", "latest")
    assert result.code == 0
    assert (workspace / "app/calc.py").read_text() == "second\n"
    # Restoring the older set saves the newer edit it replaces.
    older = list_saved(workspace)[-1].id
    assert older in listing.stdout
    result = cli("restore", older)
    assert result.code == 0, result.stderr
    assert (workspace / "app/calc.py").read_text() == "first\n"
    assert "what `vibecode restore` replaced" in result.stderr
    assert ("app/calc.py", b"second\n") in saved_contents(workspace)
    result = cli("restore", "nope")
    assert result.code == 2
    assert "is not a saved set" in one_line_error(result.stderr)


def test_reset_to_another_step(cli: Cli, course: Course, workspace: Path) -> None:
    apply.goto(course, workspace, 5)
    assert cli("reset", "--step", "1").code == 0
    assert snapshot(workspace) == course.checkpoint(1)


BROKEN = {
    "bad-toml": ('title = "x"\ngoal = \n', "not valid TOML"),
    "missing-field": (
        'title = "x"\ngoal = "y"\ntalking_points = ["z"]\n',
        "minutes: missing (required)",
    ),
    "unknown-key": (
        'title = "x"\ngoal = "y"\nminutes = 1\ntalking_points = ["z"]\ncolour = "red"\n',
        "colour: unknown key",
    ),
    "escaping-path": (
        'title = "x"\ngoal = "y"\nminutes = 1\ntalking_points = ["z"]\ndelete = ["../etc"]\n',
        "'../etc' is not a path inside the workspace",
    ),
}


@pytest.mark.parametrize("broken", sorted(BROKEN))
@pytest.mark.parametrize("command", ["steps", "status", "goto 1", "show 1", "check", "next"])
def test_a_broken_step_is_one_line_naming_the_file(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, broken: str, command: str
) -> None:
    manifest, problem = BROKEN[broken]
    root = write_course(tmp_path / "steps", [*SMALL_COURSE[:1], StepSpec("bad", manifest=manifest)])
    monkeypatch.setenv("VIBECODE_STEPS", str(root))
    monkeypatch.setenv("VIBECODE_WORKSPACE", str(tmp_path / "ws"))
    result = cli(*command.split())
    assert result.code == 2
    line = one_line_error(result.stderr)
    assert str(root / "02-bad" / "step.toml") in line
    assert problem in line


def test_a_file_escaping_through_a_symlink_name_is_refused(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_course(tmp_path / "steps", [StepSpec("one", {".vibecode/state.json": "{}"})])
    monkeypatch.setenv("VIBECODE_STEPS", str(root))
    result = cli("steps")
    assert result.code == 2
    assert "is not a path inside the workspace" in one_line_error(result.stderr)


def test_no_steps_folder(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIBECODE_STEPS", str(tmp_path / "nowhere"))
    result = cli("steps")
    assert result.code == 2
    assert "the steps folder does not exist" in one_line_error(result.stderr)


def test_empty_course(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "steps").mkdir()
    monkeypatch.setenv("VIBECODE_STEPS", str(tmp_path / "steps"))
    # Rich wraps at the terminal's width, wherever the temporary path ends.
    assert "has no steps yet" in " ".join(cli("steps").stdout.split())
    assert cli("show").code == 2


def test_ctrl_c_mid_goto_is_repaired_by_the_next_command(
    cli: Cli, course: Course, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli("goto", "3")
    (workspace / "app/core/config.py").write_text("NAME = 'mine'\n")
    original = apply.Writer.write_many

    def interrupted(self: apply.Writer, items: Sequence[tuple[Path, bytes]]) -> None:
        original(self, items[:1])  # one file of the new step written, then Ctrl-C
        raise KeyboardInterrupt

    monkeypatch.setattr(apply.Writer, "write_many", interrupted)
    result = cli("goto", "5")
    assert result.code == 130
    assert "interrupted" in result.stderr
    assert "Traceback" not in result.stderr
    monkeypatch.setattr(apply.Writer, "write_many", original)
    assert load_state(workspace).pending is not None
    result = cli("status")
    assert result.code == 0, result.stderr
    assert "finished the interrupted move to step 5" in result.stderr
    assert "Step 5 of 5" in result.stdout
    assert snapshot(workspace) == course.checkpoint(5)
    assert ("app/core/config.py", b"NAME = 'mine'\n") in saved_contents(workspace)
