"""Done means: one line of the reference app that exists since step 6, one edit, one command."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from vibecode.cli.main import app
from vibecode.course.manifest import load_course
from vibecode.course.script import render_script
from vibecode.paths import project_root
from vibecode.proof.course import course_problems

REFERENCE = ("app", "tests", "alembic.ini", ".env.example", "pytest.ini")
OLD = b"    would freeze every other request for that long.\n"
NEW = b"    would stall every other request for that long.\n"


def copy_of_the_repository(target: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in (*REFERENCE, "steps"):
        source = project_root() / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)
    for script in project_root().glob("SCRIPT*.md"):
        shutil.copy2(script, target / script.name)
    return target / "steps"


def test_one_edit_and_one_command_change_every_step_since_6(tmp_path: Path) -> None:
    steps = copy_of_the_repository(tmp_path)
    security = tmp_path / "app" / "core" / "security.py"
    before = load_course(steps)
    assert OLD in before.checkpoint(6)["app/core/security.py"]
    assert "app/core/security.py" not in before.checkpoint(5)

    line = security.read_bytes().split(OLD)[0].count(b"\n") + 1
    security.write_bytes(security.read_bytes().replace(OLD, NEW))  # the one edit
    result = CliRunner().invoke(app, ["course", "absorb", "--course", str(steps)])  # the command

    assert result.exit_code == 0, result.output
    assert f"app/core/security.py:{line} changed -> step 6" in result.output
    after = load_course(steps)
    for number in range(6, after.size + 1):
        content = after.checkpoint(number)["app/core/security.py"]
        assert NEW in content and OLD not in content, f"step {number}"
        old = before.checkpoint(number)["app/core/security.py"]
        assert content == old.replace(OLD, NEW), f"step {number} changed more than the line"
    for number in range(0, 6):
        assert after.checkpoint(number) == before.checkpoint(number)
    assert course_problems(after) == []  # app/ is the last step, the history canonical
    assert (tmp_path / "SCRIPT.md").read_text(encoding="utf-8") == render_script(after)


def test_a_save_that_rewrites_the_reference_keeps_the_authors_own_edits_first(
    tmp_path: Path,
) -> None:
    from vibecode.authoring.writer import checkpoints, save_course

    steps = copy_of_the_repository(tmp_path)
    security = tmp_path / "app" / "core" / "security.py"
    reference = security.read_bytes()
    security.write_bytes(reference.replace(OLD, NEW))  # an edit not absorbed yet
    untouched = (tmp_path / "app" / "main.py").read_bytes()

    course = load_course(steps)
    report = save_course(course, checkpoints(course))  # the last step is the reference again

    assert security.read_bytes() == reference
    assert report.reference_written == ["app/core/security.py"]
    assert report.reference_saved is not None
    saved = sorted(
        p.relative_to(report.reference_saved) for p in report.reference_saved.rglob("*.*")
    )
    assert saved == [Path("app/core/security.py")]  # only what the author changed
    assert (report.reference_saved / "app/core/security.py").read_bytes() == reference.replace(
        OLD, NEW
    )
    assert report.reference_saved.is_relative_to(tmp_path / ".vibecode")
    assert (tmp_path / "app" / "main.py").read_bytes() == untouched


def test_a_save_with_nothing_of_the_authors_in_the_way_saves_nothing(tmp_path: Path) -> None:
    from vibecode.authoring.writer import checkpoints, save_course

    steps = copy_of_the_repository(tmp_path)
    course = load_course(steps)
    report = save_course(course, checkpoints(course))

    assert report.reference_written == [] and report.reference_saved is None
    assert not (tmp_path / ".vibecode").exists()
