"""The built-in course's conversion to its line history changed no checkpoint, byte for byte.

Read from git: the commit that removed the full-file steps (`steps/*/files/`) against its parent.
Both are loaded by the tool itself (the older layout is still read), every checkpoint compared.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from vibecode.course.manifest import load_course
from vibecode.paths import project_root


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=project_root(), capture_output=True, text=True, check=True
    ).stdout.strip()


def course_at(commit: str, folder: Path) -> Path:
    """`steps/` as it was at `commit`, written into `folder`."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit, "steps"],
        cwd=project_root(),
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder / "steps"


@pytest.fixture(scope="module")
def conversion() -> str:
    if shutil.which("git") is None or not (project_root() / ".git").exists():
        pytest.fail("this proof reads the repository's history: run it in a git clone")
    commit = git("log", "--diff-filter=D", "--format=%H", "-1", "--", "steps/01-skeleton/files")
    assert commit, "no commit removed steps/01-skeleton/files: was the course converted?"
    return commit


def test_every_checkpoint_is_byte_identical_across_the_conversion(
    conversion: str, tmp_path: Path
) -> None:
    before = load_course(course_at(f"{conversion}^", tmp_path / "before"))
    after = load_course(course_at(conversion, tmp_path / "after"))
    assert before.source is None and after.source is not None
    assert after.size == before.size == 19
    for number in range(before.size + 1):
        assert after.checkpoint(number) == before.checkpoint(number), f"step {number} changed"
    for old, new in zip(before.steps, after.steps, strict=True):
        assert (new.title, new.minutes, new.demos, new.benches) == (
            old.title,
            old.minutes,
            old.demos,
            old.benches,
        )
        assert new.tests == old.tests, f"{old.label}: derived tests differ from the declared"
        present = set(before.checkpoint(old.number - 1))
        assert set(new.delete) == set(old.delete) & present
