"""The authoring commands as an author types them: new, record, edit, save, abort, import."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner, Result

from vibecode.cli.main import app
from vibecode.course.manifest import load_course
from vibecode.paths import project_root

from .course_kit import make_course

runner = CliRunner()


def vibecode(*args: str) -> Result:
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_new_then_record_three_steps_then_edit_the_first(tmp_path: Path, workspace: Path) -> None:
    root = tmp_path / "talk"
    assert vibecode("course", "new", str(root), "--title", "My talk").exit_code == 0
    course = ["--course", str(root)]
    assert vibecode("goto", "1", *course).exit_code == 0
    main = workspace / "app" / "main.py"
    for number, route in enumerate(("one", "two", "three"), start=2):
        main.write_text(
            main.read_text()
            + f"\n\n@app.get('/{route}')\nasync def {route}() -> int:\n    return {number}\n"
        )
        result = vibecode("course", "record", f"Add {route}", *course)
        assert result.exit_code == 0, result.output
        assert f"Recorded step {number} (add-{route})" in result.output
    loaded = load_course(root)
    assert [step.title for step in loaded.steps][1:] == ["Add one", "Add two", "Add three"]
    assert loaded.checkpoint(4)["app/main.py"].count(b"@app.get") == 4

    assert vibecode("course", "edit", "1", *course).exit_code == 0
    main.write_text(main.read_text().replace('title="My talk"', 'title="Renamed"'))
    result = vibecode("course", "save", *course)
    assert result.exit_code == 0, result.output
    assert "Steps changed: 1, 2, 3, 4." in result.output
    loaded = load_course(root)
    for number in range(1, 5):
        assert b'title="Renamed"' in loaded.checkpoint(number)["app/main.py"]
    assert (root / "SCRIPT.md").read_text().count("## Step") == 4


def test_a_conflicting_save_writes_nothing_and_resumes_after_the_author_settles_it(
    tmp_path: Path, workspace: Path
) -> None:
    root = make_course(
        tmp_path / "course",
        [{"a.py": b"a\nb\n"}, {"a.py": b"a\nb2\n"}, {"a.py": b"a\nb2\nc\n"}],
    )
    course = ["--course", str(root)]
    before = (root / "course.weave").read_bytes()
    assert vibecode("course", "edit", "1", *course).exit_code == 0
    (workspace / "a.py").write_bytes(b"a\nB\n")
    result = vibecode("course", "save", *course)
    assert result.exit_code == 1
    assert "step 2 (Step 2) changes the same lines as your change to step 1: a.py" in result.output
    assert "your change (step 1)" in result.output and "vibecode course save" in result.output
    assert (root / "course.weave").read_bytes() == before, "the course was written"
    marked = (workspace / "a.py").read_bytes()
    assert b"<<<<<<< your change\nB\n=======\nb2\n>>>>>>> the later step\n" in marked
    assert vibecode("course", "save", *course).exit_code == 1, "markers left in"
    (workspace / "a.py").write_bytes(b"a\nB2\n")
    result = vibecode("course", "save", *course)
    assert result.exit_code == 0, result.output
    loaded = load_course(root)
    assert [loaded.checkpoint(n)["a.py"] for n in (1, 2, 3)] == [
        b"a\nB\n",
        b"a\nB2\n",
        b"a\nB2\nc\n",
    ]


def test_abort_leaves_the_course_as_it_was(tmp_path: Path, workspace: Path) -> None:
    root = make_course(tmp_path / "course", [{"a.py": b"a\n"}, {"a.py": b"a\nb\n"}])
    course = ["--course", str(root)]
    before = (root / "course.weave").read_bytes()
    vibecode("course", "edit", "1", *course)
    (workspace / "a.py").write_bytes(b"changed\n")
    result = vibecode("course", "edit", "--abort", *course)
    assert result.exit_code == 0 and "Dropped the edit of step 1" in result.output
    assert (root / "course.weave").read_bytes() == before
    assert (workspace / "a.py").read_bytes() == b"a\n"
    assert vibecode("course", "save", *course).exit_code == 2  # nothing to save


def test_record_amend_and_its_refusals(tmp_path: Path, workspace: Path) -> None:
    root = make_course(tmp_path / "course", [{"a.py": b"a\n"}, {"a.py": b"a\nb\n"}])
    course = ["--course", str(root)]
    vibecode("goto", "1", *course)
    result = vibecode("course", "record", "Nothing", *course)
    assert result.exit_code == 2 and "nothing to record" in result.output
    (workspace / "a.py").write_bytes(b"A\n")
    result = vibecode("course", "record", "--amend", *course)
    assert result.exit_code == 0, result.output
    loaded = load_course(root)
    assert loaded.checkpoint(1)["a.py"] == b"A\n"
    assert loaded.checkpoint(2)["a.py"] == b"A\nb\n"


def test_record_in_the_middle_renumbers_the_later_steps(tmp_path: Path, workspace: Path) -> None:
    root = make_course(tmp_path / "course", [{"a.py": b"a\n"}, {"a.py": b"a\nb\n"}])
    course = ["--course", str(root)]
    vibecode("goto", "1", *course)
    (workspace / "new.py").write_bytes(b"n\n")
    result = vibecode("course", "record", "In between", *course)
    assert result.exit_code == 0, result.output
    loaded = load_course(root)
    assert [step.label for step in loaded.steps] == ["01-step1", "02-in-between", "03-step2"]
    assert loaded.checkpoint(3) == {"a.py": b"a\nb\n", "new.py": b"n\n"}


def test_import_converts_a_course_of_full_files_without_changing_a_checkpoint(
    tmp_path: Path,
) -> None:
    legacy = tmp_path / "steps"
    shutil.copytree(project_root() / "tool_tests" / "authoring" / "legacy", legacy)
    old = load_course(legacy)
    expected = [old.checkpoint(n) for n in range(old.size + 1)]
    result = vibecode("course", "import", str(legacy))
    assert result.exit_code == 0, result.output
    # Rich wraps at the terminal's width, wherever the temporary path ends.
    assert "every checkpoint byte for byte the same" in " ".join(result.output.split())
    new = load_course(legacy)
    assert new.source is not None
    assert [new.checkpoint(n) for n in range(new.size + 1)] == expected
    assert not any(legacy.glob("*/files"))
    assert new.step(2).delete == ("old.txt",) and new.step(2).tests == ("tests/test_a.py",)
    assert "tests" not in (legacy / "02-two" / "step.toml").read_text()
    assert vibecode("course", "import", str(legacy)).exit_code == 2  # nothing left to convert


def test_the_course_option_reaches_every_command(tmp_path: Path, workspace: Path) -> None:
    root = make_course(tmp_path / "course", [{"a.py": b"a\n"}])
    result = vibecode("steps", "--course", str(root))
    assert "Step 1" in result.output and "Total" in result.output
    result = vibecode("course", "blame", "a.py", "--course", str(root))
    assert result.exit_code == 0 and "1 Step 1" in result.output
