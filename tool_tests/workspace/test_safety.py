"""The safety promise under attack: folders that are no workspace, links, special files, two
commands at once, bytecode folders, and what an interrupted move says."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from tool_tests.workspace.workspace_kit import (
    Cli,
    InterruptAfter,
    run_vibecode,
    saved_contents,
    snapshot,
)
from vibecode.course.manifest import Course
from vibecode.errors import VibecodeError
from vibecode.paths import project_root
from vibecode.workspace import apply, saved
from vibecode.workspace.files import UnsafePath, read_file, remove_empty_parents
from vibecode.workspace.lock import WorkspaceBusy, workspace_lock
from vibecode.workspace.state import load_state, save_state


@pytest.mark.e2e
@pytest.mark.parametrize("where", ["root", "home", "repository"])
def test_the_real_cli_refuses_root_home_and_the_repository(
    where: str, course_root: Path, tmp_path: Path
) -> None:
    folder = {"root": Path("/"), "home": Path.home(), "repository": project_root()}[where]
    before = sorted(p.name for p in folder.iterdir())
    env = {"VIBECODE_STEPS": str(course_root), "VIBECODE_CACHE_DIR": str(tmp_path / "c")}
    for command in (["reset", "--step", "1", "--force"], ["goto", "1"], ["next"]):
        result = run_vibecode(*command, "-w", str(folder), env=env)
        assert result.code == 2, (command, result.stdout)
        assert "pass --workspace (-w) a folder of its own" in result.stderr
        assert "Traceback" not in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == before  # nothing created, nothing moved
    status = run_vibecode("status", "-w", str(folder), env=env)
    assert "pass --workspace (-w) a folder of its own" in status.stderr


def test_a_folder_holding_the_repository_is_refused(course: Course) -> None:
    with pytest.raises(VibecodeError, match="a folder that holds the vibecode repository"):
        apply.goto(course, project_root().parent, 1)


def test_a_folder_of_unknown_files_needs_force(cli: Cli, course: Course, workspace: Path) -> None:
    workspace.mkdir()
    (workspace / "app").mkdir()
    (workspace / "app/main.py").write_text("my own project\n")
    (workspace / "notes.md").write_text("mine")
    status = cli("status")
    assert "2 files that are not the course's: app/main.py, notes.md" in status.stderr
    assert "`vibecode reset --step 1 --force` adopts it anyway" in status.stderr
    refused = cli("reset", "--step", "1")
    assert refused.code == 2
    assert "add --force to adopt it at step 1" in refused.stderr
    assert sorted(p.name for p in workspace.iterdir()) == ["app", "notes.md"]  # no .vibecode
    assert cli("reset", "--step", "1", "--force").code == 0
    assert ("app/main.py", b"my own project\n") in saved_contents(workspace)
    assert (workspace / "notes.md").read_text() == "mine"


@pytest.mark.parametrize("link", ["folder", "file", "state"])
def test_never_through_a_link_that_leaves_the_workspace(
    course: Course, workspace: Path, tmp_path: Path, link: str
) -> None:
    apply.goto(course, workspace, 2)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "main.py").write_text("outside\n")
    (outside / "config.py").write_text("outside\n")
    if link == "folder":
        core = workspace / "app/core"
        for item in core.iterdir():
            item.unlink()
        core.rmdir()
        core.symlink_to(outside)
    elif link == "file":
        (workspace / "app/main.py").unlink()
        (workspace / "app/main.py").symlink_to(outside / "main.py")
    else:
        (workspace / ".vibecode/saved").symlink_to(outside, target_is_directory=True)
        (workspace / "app/main.py").write_text("an edit, to save\n")
    with pytest.raises(UnsafePath, match="link"):
        apply.goto(course, workspace, 4)
    assert sorted(p.name for p in outside.iterdir()) == ["config.py", "main.py"]
    assert (outside / "main.py").read_text() == "outside\n"
    assert (outside / "config.py").read_text() == "outside\n"


def test_only_regular_files_are_read(cli: Cli, course: Course, workspace: Path) -> None:
    apply.goto(course, workspace, 2)
    (workspace / "app/calc.py").unlink()
    os.mkfifo(workspace / "app/calc.py")
    (workspace / "app/main.py").unlink()
    (workspace / "app/main.py").symlink_to("/dev/zero")
    result = cli("status")  # returned at all: neither the FIFO nor /dev/zero was read
    assert result.code == 0, result.stderr
    assert "app/calc.py" in result.stdout and "a FIFO" in result.stdout
    assert "app/main.py" in result.stdout and "a link (to /dev/zero)" in result.stdout
    with pytest.raises(UnsafePath):
        read_file(workspace / "app/calc.py")
    moved = cli("next")
    assert moved.code == 2 and "Traceback" not in moved.stderr


def test_a_file_in_pycache_is_never_deleted(course: Course, workspace: Path) -> None:
    apply.goto(course, workspace, 3)
    cache = workspace / "app/old/deep/__pycache__"
    cache.mkdir()
    (cache / "legacy.cpython-311.pyc").write_bytes(b"bytecode")
    (cache / "notes.txt").write_text("mine, in a strange place")
    apply.goto(course, workspace, 4)  # step 4 deletes app/old/deep/legacy.py
    assert (cache / "notes.txt").read_text() == "mine, in a strange place"
    # Only bytecode: the folder goes with its last file.
    (cache / "notes.txt").unlink()
    (workspace / "app/old/deep/x.py").write_text("")
    remove_empty_parents(workspace, ["app/old/deep/x.py"])
    (workspace / "app/old/deep/x.py").unlink()
    remove_empty_parents(workspace, ["app/old/deep/x.py"])
    assert not (workspace / "app/old/deep").exists()


def test_the_lock_is_reentrant_and_names_the_holder(
    course: Course, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIBECODE_LOCK_TIMEOUT", "0.3")
    apply.goto(course, workspace, 1)
    errors: list[BaseException] = []
    with workspace_lock(workspace):
        apply.goto(course, workspace, 2)  # the holder's own engine calls go through

        def other() -> None:
            try:
                apply.goto(course, workspace, 3)
            except BaseException as error:
                errors.append(error)

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    assert len(errors) == 1 and isinstance(errors[0], WorkspaceBusy)
    assert "is busy:" in str(errors[0]) and f"pid {os.getpid()}" in str(errors[0])
    assert load_state(workspace).step == 2


@pytest.mark.e2e
def test_two_commands_at_once_leave_a_consistent_workspace(
    course_root: Path, course: Course, workspace: Path, tmp_path: Path
) -> None:
    apply.goto(course, workspace, 1)
    env = {
        "VIBECODE_STEPS": str(course_root),
        "VIBECODE_WORKSPACE": str(workspace),
        "VIBECODE_CACHE_DIR": str(tmp_path / "c"),
    }
    import subprocess
    import sys

    commands = [["next"], ["goto", "5"], ["prev"], ["goto", "3"]]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "vibecode", *command],
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in commands
    ]
    for process in processes:
        _, stderr = process.communicate(timeout=60)
        assert process.returncode in (0, 2), stderr
        assert "Traceback" not in stderr
    state = load_state(workspace)
    assert state.pending is None
    assert snapshot(workspace) == course.checkpoint(state.step)


def test_a_dollar_in_the_workspace_path(cli: Cli, course: Course, tmp_path: Path) -> None:
    workspace = tmp_path / "my$HOME-ws"
    apply.goto(course, workspace, 2)
    result = cli("check", "-w", str(workspace))
    assert result.code == 0, result.stdout + result.stderr
    assert "PASS step 2: 1 passed" in result.stdout


def test_atomic_write_errors_name_the_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vibecode.atomic import atomic_write

    def refuse(*args: object) -> None:
        raise PermissionError(13, "Permission denied", "/x/.main.py.abc.vibecode-tmp")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError) as caught:
        atomic_write(tmp_path / "main.py", b"x")
    assert caught.value.filename == str(tmp_path / "main.py")
    assert not list(tmp_path.iterdir())


def test_next_and_prev_at_a_step_that_does_not_exist(
    cli: Cli, course: Course, workspace: Path
) -> None:
    apply.goto(course, workspace, 2)
    save_state(workspace, load_state(workspace).__class__(step=9))
    for command in ("next", "prev"):
        result = cli(command)
        assert result.code == 2
        assert "the workspace is at step 9, but the course ends at step 5" in result.stderr
        assert "vibecode goto 5" in result.stderr


@pytest.mark.parametrize(
    ("limit", "expected"),
    [
        (0, "interrupted before anything changed: the workspace is still at step 3"),
        # Its saved copy and manifest are written, then the pending record: then cut short.
        (
            3,
            "the workspace is between step 3 and step 5, your edits saved first; "
            "`vibecode status` completes the move to step 5, `vibecode goto 3` returns to step 3",
        ),
    ],
)
def test_an_interrupted_move_says_what_is_true(
    cli: Cli,
    course: Course,
    workspace: Path,
    monkeypatch: pytest.MonkeyPatch,
    limit: int,
    expected: str,
) -> None:
    apply.goto(course, workspace, 3)
    (workspace / "app/main.py").write_text("an edit\n")
    writer = InterruptAfter(limit)
    real_goto = apply.goto

    def interrupted_goto(*args: object, **kwargs: object) -> object:
        kwargs["writer"] = writer
        return real_goto(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(apply, "goto", interrupted_goto)
    result = cli("goto", "5")
    assert result.code == 130
    assert expected in result.stderr
    monkeypatch.setattr(apply, "goto", real_goto)
    if limit:
        # Both commands the message names do what it says.
        back = tmp_path_copy(workspace)
        assert cli("goto", "3", "-w", str(back)).code == 0
        assert load_state(back).step == 3 and load_state(back).pending is None
    assert cli("status").code == 0
    assert load_state(workspace).step == (3 if limit == 0 else 5)


def tmp_path_copy(workspace: Path) -> Path:
    """A copy of the workspace beside it, to try a second way out of the same state."""
    import shutil

    copy = workspace.with_name(workspace.name + "-copy")
    shutil.copytree(workspace, copy, symlinks=True)
    return copy


def test_restore_lists_every_good_set_beside_a_bad_one(course: Course, workspace: Path) -> None:
    apply.goto(course, workspace, 2)
    (workspace / "app/calc.py").write_text("edit one\n")
    apply.goto(course, workspace, 3)
    time.sleep(0.002)
    (workspace / "app/main.py").write_text("edit two\n")
    apply.goto(course, workspace, 2)
    sets = saved.list_saved(workspace)
    assert len(sets) == 2
    manifest = sets[0].folder / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"bytes": ', '"bytes": 1e400, "x": '))
    again = saved.list_saved(workspace)
    assert {s.id for s in again} == {s.id for s in sets}
    assert all(s.files for s in again)


def test_the_lock_never_writes_through_a_planted_link(
    course: Course, workspace: Path, tmp_path: Path
) -> None:
    apply.goto(course, workspace, 1)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (workspace / ".vibecode/lock.json").symlink_to(victim)
    apply.goto(course, workspace, 2)
    assert victim.read_text() == "precious"
    assert load_state(workspace).step == 2
