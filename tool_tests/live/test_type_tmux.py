"""`vibecode type` in a real terminal: keys one at a time, the pane read between them."""

from __future__ import annotations

import shlex
import shutil
import sys
import time
from pathlib import Path

import pytest

from tool_tests.tmux_kit import Tmux
from vibecode.course.manifest import Course
from vibecode.live.plan import plan_step
from vibecode.workspace import apply
from vibecode.workspace.files import scan
from vibecode.workspace.state import load_state

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not shutil.which("tmux"), reason="needs tmux"),
]

VIBECODE = Path(sys.executable).with_name("vibecode")


def contents(workspace: Path) -> dict[str, bytes]:
    return {path: file.read_bytes() for path, file in scan(workspace).items()}


def code_line(pane: str, number: int) -> str | None:
    """The text of line `number` of the editor view (`  1 │ text`), or None when not shown."""
    for row in pane.splitlines():
        cells = row.strip("│ ").split("│", 1)
        if len(cells) == 2 and cells[0].strip() == str(number):
            return cells[1][1:].rstrip(" │")
    return None


def test_typing_key_by_key_in_a_real_terminal(
    tmux: Tmux, real_course: Course, tmp_path: Path
) -> None:
    workspace = tmp_path / "ws"
    apply.goto(real_course, workspace, 7)
    plan = plan_step(real_course, 8)
    first = plan.files[0]
    assert first.mode == "typed" and not first.exists_before
    line = first.new[0].rstrip("\n")
    exit_file = tmp_path / "exit"
    tmux.start(
        f"{shlex.quote(str(VIBECODE))} type -w {shlex.quote(str(workspace))}; "
        f"echo $? > {shlex.quote(str(exit_file))}; sleep 60",
        size=(100, 30),
    )
    tmux.wait_for(lambda text: f"{first.path} · hunk 1 of" in text)
    before = contents(workspace)
    # Each key types three characters: the pane shows the line growing, the disk stays put.
    for presses in range(1, 8):
        tmux.key("x")
        expected = line[: 3 * presses].rstrip()

        def typed(text: str, e: str = expected) -> bool:
            return code_line(text, 1) == e

        pane = tmux.wait_for(typed, timeout=10)
        assert "x" not in (code_line(pane, 1) or "").replace(expected, "")
        assert contents(workspace) == before  # inside a hunk nothing is written
    # Enter finishes the hunk: now, and only now, the file is on disk.
    tmux.key("Enter")
    second = plan.files[1]
    tmux.wait_for(lambda text: f"{second.path} · hunk 1 of" in text)
    deadline = time.monotonic() + 10
    while not (workspace / first.path).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (workspace / first.path).read_bytes() == first.final()
    state = load_state(workspace)
    assert state.step == 7 and state.pending is not None and state.pending.step == 8
    # One more hunk with Enter: the second file holds its first hunk, not yet the whole file.
    tmux.key("Enter")
    tmux.wait_for(lambda text: f"{second.path} · hunk 2 of" in text)
    deadline = time.monotonic() + 10
    while not (workspace / second.path).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (workspace / second.path).read_text() == second.text_after(1)
    assert (workspace / second.path).read_bytes() != second.final()
    # Ctrl-E: the rest of the step; the app ends and the workspace is the checkpoint.
    tmux.key("C-e")
    tmux.wait_for(lambda text: "Step 8 typed" in text)
    deadline = time.monotonic() + 20
    while not exit_file.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert exit_file.read_text().strip() == "0"
    assert contents(workspace) == real_course.checkpoint(8)
    state = load_state(workspace)
    assert state.step == 8 and state.pending is None


def test_escape_pauses_and_the_next_type_resumes(
    tmux: Tmux, real_course: Course, tmp_path: Path
) -> None:
    workspace = tmp_path / "ws"
    apply.goto(real_course, workspace, 14)
    plan = plan_step(real_course, 15)
    command = f"{shlex.quote(str(VIBECODE))} type -w {shlex.quote(str(workspace))}"
    tmux.start(f"{command}; echo FIRST-RUN-OVER; read x; {command}; sleep 60", size=(100, 30))
    tmux.wait_for(lambda text: f"{plan.files[0].path} · hunk 1 of" in text)
    tmux.key("Enter")
    tmux.wait_for(lambda text: "· hunk 2 of" in text or "file 2 of" in text)
    tmux.key("Escape")
    pane = tmux.wait_for(lambda text: "FIRST-RUN-OVER" in text)
    said = "".join(pane.split())  # the message wraps at 100 columns
    assert "Pausedat" in said and "`vibecodetype`resumes" in said
    typed_once = contents(workspace)
    assert typed_once != real_course.checkpoint(15)
    tmux.key("Enter")  # the second run picks up after the finished hunk
    pane = tmux.wait_for(lambda text: "· hunk 2 of" in text or "file 2 of" in text)
    assert f"{plan.files[0].path} · hunk 1 of" not in pane
    tmux.key("C-e")
    pane = tmux.wait_for(lambda text: "Step 15 typed" in text, timeout=30)
    assert "resuming" in pane
    assert contents(workspace) == real_course.checkpoint(15)
