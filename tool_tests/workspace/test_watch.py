"""`vibecode check --watch` as a real process: a save is answered with a new verdict."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from vibecode.course.manifest import Course
from vibecode.workspace import apply
from vibecode.workspace.watch import changed_paths


def test_changed_paths_ignore_the_tools_folders(workspace: Path) -> None:
    changes = {
        (1, str(workspace / "app/main.py")),
        (1, str(workspace / ".vibecode/state.json")),
        (1, str(workspace / "app/__pycache__/main.cpython-311.pyc")),
        (1, str(workspace / ".git/index")),
        (1, "/elsewhere/x.py"),
    }
    assert changed_paths(workspace, changes) == ["app/main.py"]


@pytest.mark.e2e
def test_watch_answers_each_save(course_root: Path, course: Course, workspace: Path) -> None:
    apply.goto(course, workspace, 2)
    env = {**os.environ, "VIBECODE_STEPS": str(course_root), "VIBECODE_WORKSPACE": str(workspace)}
    env["COLUMNS"] = "200"
    process = subprocess.Popen(
        [sys.executable, "-m", "vibecode", "check", "--watch"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(process.stdout.readline, "")))  # type: ignore[union-attr]
    reader.start()

    def wait_for(text: str, after: int) -> int:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            for index in range(after, len(lines)):
                if text in lines[index]:
                    return index + 1
            time.sleep(0.05)
        raise AssertionError(f"never saw {text!r} in {lines!r}")

    try:
        seen = wait_for("PASS step 2", 0)
        # A save before the watcher listens would go unseen (a busy machine makes that likely).
        seen = wait_for("save a file to check again", seen - 1)
        (workspace / "app/calc.py").write_text("def add(a, b):\n    return a - b\n")
        seen = wait_for("FAIL step 2", seen)
        wait_for("assert -1 == 3", seen)
        seen = wait_for("save a file to check again", seen)
        (workspace / "app/calc.py").write_text("def add(a, b):\n    return b + a\n")
        wait_for("PASS step 2", seen)
    finally:
        process.terminate()
        process.wait(timeout=10)
        reader.join(timeout=10)
        assert process.stdout is not None
        process.stdout.close()
