"""Typing's writes: hunk by hunk through the engine, resumable, never losing an edit."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from tool_tests.live.live_kit import write_step
from vibecode.course.manifest import Course, load_course
from vibecode.errors import VibecodeError
from vibecode.live.player import Player
from vibecode.live.session import TypingSession, play_unattended
from vibecode.live.typist import Typist
from vibecode.rehearse.typing import type_step
from vibecode.workspace import apply
from vibecode.workspace.files import scan
from vibecode.workspace.saved import list_saved
from vibecode.workspace.state import load_state


def contents(workspace: Path) -> dict[str, bytes]:
    return {path: file.read_bytes() for path, file in scan(workspace).items()}


def test_keys_change_the_disk_only_at_hunk_ends(real_course: Course, tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    apply.goto(real_course, workspace, 7)
    session = TypingSession(real_course, workspace, 8)
    start = session.begin()
    player = Player(start.plan, done=start.done)
    file = player.plan.files[0]
    on_disk = [contents(workspace)]
    writes = 0
    while not player.at_end:
        for finished in player.press():
            session.write(finished)
            writes += 1
            on_disk.append(contents(workspace))
            if finished.data is not None:
                assert (workspace / finished.path).read_bytes() == finished.data
        if writes == 0:
            assert contents(workspace) == on_disk[0]  # keys inside a hunk write nothing
    assert writes >= player.plan.hunks
    state = load_state(workspace)
    assert state.step == 7 and state.pending is not None and state.pending.step == 8
    outcome = session.finish()
    assert outcome.corrected == ()  # the typed files already were the checkpoint
    assert contents(workspace) == real_course.checkpoint(8)
    state = load_state(workspace)
    assert state.step == 8 and state.pending is None
    assert file.path in state.files


def test_an_interrupted_typing_resumes_where_the_disk_is(
    real_course: Course, tmp_path: Path
) -> None:
    workspace = tmp_path / "ws"
    apply.goto(real_course, workspace, 14)
    session = TypingSession(real_course, workspace, 15)
    start = session.begin()
    player = Player(start.plan, done=start.done)
    for _ in range(3):
        for finished in player.finish_hunk():
            session.write(finished)
    where = (player.file_index, player.hunk_index)
    # Ctrl-C here: a new session picks up from the disk.
    again = TypingSession(real_course, workspace, 15)
    resumed = again.begin()
    assert resumed.resumed
    second = Player(resumed.plan, done=resumed.done)
    assert (second.file_index, second.hunk_index) == where
    assert list_saved(workspace) == []  # nothing the tool wrote was taken for an edit
    while not second.at_end:
        for finished in second.finish_hunk():
            again.write(finished)
    again.finish()
    assert contents(workspace) == real_course.checkpoint(15)


def test_goto_completes_an_interrupted_typing_without_saving_anything(
    real_course: Course, tmp_path: Path
) -> None:
    workspace = tmp_path / "ws"
    apply.goto(real_course, workspace, 10)
    session = TypingSession(real_course, workspace, 11)
    start = session.begin()
    player = Player(start.plan, done=start.done)
    while True:  # stop (as a crash would) right after a hunk that leaves a file half typed
        [finished] = player.finish_hunk()
        session.write(finished)
        if not finished.last_of_file:
            break
    half = (workspace / finished.path).read_bytes()
    assert half != real_course.checkpoint(11)[finished.path]
    result = apply.goto(real_course, workspace, 11)
    assert result.saved == ()  # the half-typed file was the tool's, not an edit to keep
    assert contents(workspace) == real_course.checkpoint(11)
    assert load_state(workspace).step == 11


def test_a_crash_between_the_state_and_the_file_loses_nothing(
    real_course: Course, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = tmp_path / "ws"
    apply.goto(real_course, workspace, 10)
    session = TypingSession(real_course, workspace, 11)
    start = session.begin()
    player = Player(start.plan, done=start.done)
    [finished] = player.finish_hunk()
    # The state is written (it owns what comes), then the process dies before the file is.
    monkeypatch.setattr(session, "_put", lambda path, data: (_ for _ in ()).throw(SystemExit))
    with pytest.raises(SystemExit):
        session.write(finished)
    monkeypatch.undo()
    state = load_state(workspace)
    assert state.pending is not None and state.pending.step == 11
    resumed = TypingSession(real_course, workspace, 11).begin()
    assert resumed.resumed and resumed.saved == ()
    result = apply.goto(real_course, workspace, 11)
    assert result.saved == () and contents(workspace) == real_course.checkpoint(11)


def test_an_edit_in_the_way_is_saved_before_the_hunk_replaces_it(
    real_course: Course, tmp_path: Path
) -> None:
    workspace = tmp_path / "ws"
    apply.goto(real_course, workspace, 7)
    session = TypingSession(real_course, workspace, 8)
    start = session.begin()
    player = Player(start.plan, done=start.done)
    target = player.plan.files[1].path  # a file typed later
    (workspace / target).parent.mkdir(parents=True, exist_ok=True)
    (workspace / target).write_text("# my own idea\n")
    while not player.at_end:
        for finished in player.finish_hunk():
            session.write(finished)
    session.finish()
    [saved] = list_saved(workspace)
    [item] = saved.files
    assert item.path == target
    assert (saved.folder / "files" / target).read_text() == "# my own idea\n"
    assert contents(workspace) == real_course.checkpoint(8)


def test_edits_made_before_typing_are_saved_and_the_step_starts_clean(
    real_course: Course, tmp_path: Path
) -> None:
    workspace = tmp_path / "ws"
    apply.goto(real_course, workspace, 7)
    (workspace / "app" / "main.py").write_text("# edited on stage\n")
    saved: list[str] = []
    start = TypingSession(
        real_course, workspace, 8, on_saved=lambda item: saved.append(item.path)
    ).begin()
    assert saved == ["app/main.py"]
    assert (workspace / "app" / "main.py").read_bytes() == real_course.checkpoint(7)["app/main.py"]
    assert all(done == 0 for done in start.done.values())


def test_typing_from_another_step_moves_there_first(real_course: Course, tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    apply.goto(real_course, workspace, 2)
    start = TypingSession(real_course, workspace, 6).begin()
    assert start.moved_from == 2
    assert load_state(workspace).pending is not None
    with pytest.raises(VibecodeError, match="there is no step 20 to type"):
        TypingSession(real_course, workspace, 20)


def test_typing_the_step_the_workspace_is_at_is_refused(
    real_course: Course, tmp_path: Path
) -> None:
    workspace = tmp_path / "ws"
    apply.goto(real_course, workspace, 3)
    with pytest.raises(VibecodeError, match="the workspace is at step 3 already"):
        TypingSession(real_course, workspace, 3).begin()


def test_every_step_typed_in_turn_ends_at_each_checkpoint(
    real_course: Course, tmp_path: Path
) -> None:
    workspace = tmp_path / "ws"
    for number in range(1, real_course.last + 1):
        outcome = play_unattended(real_course, workspace, number)
        assert outcome.corrected == (), number
        assert contents(workspace) == real_course.checkpoint(number), number
    state = json.loads((workspace / ".vibecode" / "state.json").read_text())
    assert state["step"] == real_course.last and state["pending"] is None


@pytest.mark.e2e
def test_rehearsal_typing_reports_a_hunk_that_leaves_the_app_unimportable(tmp_path: Path) -> None:
    root = tmp_path / "steps"
    write_step(root, 1, {"app/__init__.py": "", "app/main.py": "app = object()\n"})
    main = "from app.users import NAME\n\napp = object()\n"
    write_step(
        root,
        2,
        {"app/main.py": main, "app/users.py": "NAME = 'users'\n"},
        '[typing]\norder = ["app/main.py", "app/users.py"]\n',  # the importer first: broken
    )
    course = load_course(root)
    workspace = tmp_path / "ws"
    apply.goto(course, workspace, 1)
    problems, writes = type_step(course, workspace, 2, database_url=None)
    assert writes == 2
    assert any(
        "app/main.py hunk 1" in p and "No module named 'app.users'" in p for p in problems
    ), problems
    assert any("fix the order or the hunks of step 2" in p for p in problems)
    assert contents(workspace) == course.checkpoint(2)
    # In the right order the same step types clean.
    (root / "02-step2" / "step.toml").write_text(
        'title = "Step 2"\ngoal = "it works"\nminutes = 5\ntalking_points = ["say"]\n'
    )
    apply.goto(load_course(root), workspace, 1)
    assert type_step(load_course(root), workspace, 2, database_url=None)[0] == []


def test_the_typing_session_holds_the_workspace_lock(
    real_course: Course, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vibecode.workspace.lock import WorkspaceBusy

    workspace = tmp_path / "ws"
    apply.goto(real_course, workspace, 7)
    typist = Typist(real_course, workspace, 8)
    typist.begin()
    typist.finish_hunk()  # the first write takes the lock for the session
    deadline = time.monotonic() + 10
    while typist.written == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    monkeypatch.setenv("VIBECODE_LOCK_TIMEOUT", "0.2")
    failures: list[Exception] = []

    def elsewhere() -> None:  # `vibecode next` in another terminal, meanwhile
        try:
            apply.goto(real_course, workspace, 9)
        except Exception as error:
            failures.append(error)

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert failures and isinstance(failures[0], WorkspaceBusy)
    typist.finish_step()
    typist.finish()  # the session lets go, then records the step
    assert contents(workspace) == real_course.checkpoint(8)
    assert apply.goto(real_course, workspace, 9).step == 9  # free again


def test_a_move_made_behind_the_typings_back_stops_it(real_course: Course, tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    apply.goto(real_course, workspace, 7)
    session = TypingSession(real_course, workspace, 8)
    start = session.begin()
    player = Player(start.plan, done=start.done)
    [first] = player.finish_hunk()
    session.write(first)
    apply.goto(real_course, workspace, 3)  # forced elsewhere (the lock was free between writes)
    [second] = player.finish_hunk()
    with pytest.raises(VibecodeError, match="the workspace moved to step 3 while step 8"):
        session.write(second)
    assert contents(workspace) == real_course.checkpoint(3)


def test_typing_keeps_what_else_the_state_records(real_course: Course, tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    for number in (1, 2, 3):
        apply.goto(real_course, workspace, number)
    before = load_state(workspace).reached
    play_unattended(real_course, workspace, 4)
    assert before <= load_state(workspace).reached


def test_typing_the_last_step_again_says_how(real_course: Course, tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    apply.goto(real_course, workspace, real_course.last)
    with pytest.raises(VibecodeError) as caught:
        TypingSession(real_course, workspace, real_course.last).begin()
    assert "it is the last step; `vibecode prev` first to type it again" in str(caught.value)
    assert f"vibecode type {real_course.last + 1}" not in str(caught.value)
