"""The real course (`steps/`) against the reference app in the repository.

The last step's checkpoint is the reference app, file for file and byte for byte: `app/` (with
its migrations), `tests/`, `alembic.ini`, `.env.example`, `pytest.ini`. A drifting step breaks CI.
And on the real course too, every route to a step gives the same files.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tool_tests.workspace.workspace_kit import assert_routes_agree
from vibecode.course.manifest import load_course
from vibecode.paths import project_root
from vibecode.workspace.files import is_ignored

REPO = project_root()
STEPS = REPO / "steps"
REFERENCE_FOLDERS = ("app", "tests")
REFERENCE_FILES = ("alembic.ini", ".env.example", "pytest.ini")


def reference_app() -> dict[str, bytes]:
    """The reference app's files in the repository, in workspace paths."""
    files: dict[str, bytes] = {}
    for folder in REFERENCE_FOLDERS:
        for path in sorted((REPO / folder).rglob("*")):
            relative = path.relative_to(REPO).as_posix()
            if path.is_file() and not is_ignored(relative):
                files[relative] = path.read_bytes()
    for name in REFERENCE_FILES:
        if (REPO / name).is_file():
            files[name] = (REPO / name).read_bytes()
    return files


def test_the_last_step_is_the_reference_app() -> None:
    course = load_course(STEPS)
    assert course.last > 0, f"{STEPS} has no steps"
    materialized = course.checkpoint(course.last)
    reference = reference_app()
    assert reference, "the repository has no reference app"
    missing = sorted(set(reference) - set(materialized))
    extra = sorted(set(materialized) - set(reference))
    differ = sorted(
        p for p in set(reference) & set(materialized) if reference[p] != materialized[p]
    )
    assert (missing, extra, differ) == ([], [], []), (
        f"step {course.last} drifted from the reference app: "
        f"missing from the steps {missing}, only in the steps {extra}, different {differ}"
    )


def test_every_route_to_every_step_of_the_real_course(tmp_path: Path) -> None:
    course = load_course(STEPS)
    assert course.last > 0
    assert_routes_agree(course, tmp_path)


def test_the_reference_comparison_ignores_bytecode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The comparison itself, proven on a fake repository (it runs whether steps/ exists or not)."""
    for path in ("app/main.py", "app/__pycache__/main.cpython-311.pyc", "tests/t.py", "pytest.ini"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(path)
    (tmp_path / "README.md").write_text("not part of the app")
    monkeypatch.setattr(f"{__name__}.REPO", tmp_path)
    assert sorted(reference_app()) == ["app/main.py", "pytest.ini", "tests/t.py"]
