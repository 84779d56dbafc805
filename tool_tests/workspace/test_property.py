"""A property: whatever the user types, creates or deletes between moves, no byte is lost.

Random edits, new files and deletions in the workspace, mixed with random goto/next/prev/reset and
restore calls. After every command of the tool, each file's latest user version is either still
in the workspace or in a saved set; the course's files are exactly the checkpoint's; files the
tool never wrote outside the course's paths are untouched.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tool_tests.workspace.workspace_kit import SMALL_COURSE, saved_contents, snapshot, write_course
from vibecode.course.manifest import Course, load_course
from vibecode.errors import VibecodeError
from vibecode.workspace import apply, saved
from vibecode.workspace.state import load_state

COURSE_PATHS = sorted({path for spec in SMALL_COURSE for path in spec.files})
OWN_PATHS = ["notes.md", "app/mine.py", "app/old/deep/mine.py", "tests/test_mine.py"]
PATHS = COURSE_PATHS + OWN_PATHS
LAST = len(SMALL_COURSE)

actions = st.lists(
    st.one_of(
        st.tuples(st.just("write"), st.sampled_from(PATHS), st.binary(max_size=40)),
        st.tuples(st.just("delete"), st.sampled_from(PATHS)),
        st.tuples(st.just("goto"), st.integers(0, LAST)),
        st.tuples(st.sampled_from(["next", "prev", "reset", "restore"])),
    ),
    max_size=30,
)


@pytest.fixture(scope="module")
def small_course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    """The small fixture course, built once for every example."""
    return load_course(write_course(tmp_path_factory.mktemp("course") / "steps", SMALL_COURSE))


@settings(
    max_examples=50,
    deadline=None,
    database=None,  # no .hypothesis folder in the checkout
    suppress_health_check=[HealthCheck.too_slow],
)
@given(start=st.integers(0, LAST), script=actions)
def test_no_edit_is_ever_lost(
    small_course: Course, start: int, script: list[tuple[object, ...]]
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        workspace = Path(scratch) / "ws"
        apply.goto(small_course, workspace, start)
        latest: dict[str, bytes] = {}  # path -> the user's latest version of it
        for counter, action in enumerate(script):
            kind = action[0]
            if kind == "write":
                path, data = str(action[1]), bytes(action[2])  # type: ignore[call-overload]
                content = b"user %d: %s" % (counter, data)  # never equal to a step's content
                target = workspace / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
                latest[path] = content
                continue
            if kind == "delete":
                (workspace / str(action[1])).unlink(missing_ok=True)
                latest.pop(str(action[1]), None)
                continue
            if not _run_tool(small_course, workspace, kind, action):
                continue  # refused (at the last step, at step 0, nothing saved): nothing changed
            if kind == "restore":  # what it brought back is the user's again
                checkpoint = small_course.checkpoint(load_state(workspace).step)
                for path, data in snapshot(workspace).items():
                    if data != checkpoint.get(path):
                        latest[path] = data
            _check(small_course, workspace, latest, exact=kind != "restore")


def _run_tool(course: Course, workspace: Path, kind: object, action: tuple[object, ...]) -> bool:
    """Run one command of the tool; False when it refused to run."""
    try:
        if kind == "goto":
            apply.goto(course, workspace, int(action[1]))  # type: ignore[call-overload]
        elif kind == "next":
            apply.move(course, workspace, 1)
        elif kind == "prev":
            apply.move(course, workspace, -1)
        elif kind == "reset":
            apply.reset(course, workspace)
        else:
            state = load_state(workspace)
            saved.restore(workspace, "latest", owned=state.owned, step=state.step)
    except VibecodeError as error:
        assert any(
            words in str(error) for words in ("last step", "step 0", "has no saved files")
        ), error
        return False
    return True


def _check(course: Course, workspace: Path, latest: dict[str, bytes], *, exact: bool) -> None:
    on_disk = snapshot(workspace)
    kept = set(saved_contents(workspace))
    for path, data in latest.items():
        assert on_disk.get(path) == data or (path, data) in kept, f"lost {path}: {data!r}"
    for path in OWN_PATHS:
        assert on_disk.get(path) == latest.get(path), f"touched {path}"
    if exact:
        checkpoint = course.checkpoint(load_state(workspace).step)
        for path in COURSE_PATHS:
            if path in checkpoint:
                assert on_disk[path] == checkpoint[path], path
            else:
                assert on_disk.get(path) in (None, latest.get(path)), path
