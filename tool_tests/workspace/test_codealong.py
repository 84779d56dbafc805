"""Coding along: check --next, next keeping the attendee's passing code, --keep-mine, goto --merge,
hints and solutions."""

from __future__ import annotations

from pathlib import Path

import pytest

from tool_tests.workspace.workspace_kit import (
    CALC_V1,
    Cli,
    StepSpec,
    saved_contents,
    snapshot,
    write_course,
)
from vibecode.course.manifest import Course, load_course
from vibecode.workspace import apply, follow
from vibecode.workspace.merge import merge_texts
from vibecode.workspace.state import load_state

TYPED_CALC = "def add(a, b):\n    return a + b  # typed by me\n"
BUGGY_CALC = "def add(a, b):\n    return a - b\n"


def _type_step_2(workspace: Path, calc: str) -> None:
    """At step 1, the attendee types step 2's code (not its tests) by hand."""
    (workspace / "app/calc.py").write_text(calc)
    (workspace / "app/main.py").write_text("print('step 2')\n# mine\n")


def test_check_next_runs_the_next_steps_tests_on_the_attendees_code(
    cli: Cli, course: Course, workspace: Path
) -> None:
    apply.goto(course, workspace, 1)
    _type_step_2(workspace, BUGGY_CALC)
    before = snapshot(workspace)
    result = cli("check")
    assert "Step 1 declares no tests" in result.stdout  # the old trap: "PASS step 1"
    result = cli("check", "--next")
    assert result.code == 1
    assert "FAIL step 2 (your code, the workspace is at step 1)" in result.stdout
    assert "tests/test_calc.py::test_add" in result.stdout
    assert "assert -1 == 3" in result.stdout
    assert "tests/test_calc.py:5" in result.stdout  # the test's line, not a temporary path
    assert "/tmp/vibecode-check" not in result.stdout
    assert snapshot(workspace) == before  # checked on a copy: nothing written
    (workspace / "app/calc.py").write_text(TYPED_CALC)
    result = cli("check", "--next")
    assert result.code == 0, result.stdout
    assert "PASS step 2" in result.stdout
    assert 2 in load_state(workspace).passed


def test_next_keeps_passing_code_and_writes_only_the_rest(
    cli: Cli, course: Course, workspace: Path
) -> None:
    apply.goto(course, workspace, 1)
    _type_step_2(workspace, TYPED_CALC)
    result = cli("next")
    assert result.code == 0, result.stderr
    assert "your code is step 2's now (they pass its tests)" in result.stderr
    on_disk = snapshot(workspace)
    assert on_disk["app/calc.py"] == TYPED_CALC.encode()
    assert on_disk["app/main.py"] == b"print('step 2')\n# mine\n"
    assert on_disk["tests/test_calc.py"] == course.checkpoint(2)["tests/test_calc.py"]
    assert saved_contents(workspace) == []  # nothing of theirs replaced, nothing to save
    state = load_state(workspace)
    assert state.step == 2
    assert state.kept == {"app/calc.py": 2, "app/main.py": 2}
    assert "yours (kept as step 2's code)" in cli("status").stdout
    # Still theirs: the next move saves it before it replaces it.
    apply.goto(course, workspace, 5)
    assert ("app/calc.py", TYPED_CALC.encode()) in saved_contents(workspace)


def test_next_with_failing_code_saves_it_and_writes_the_step(
    cli: Cli, course: Course, workspace: Path
) -> None:
    apply.goto(course, workspace, 1)
    _type_step_2(workspace, BUGGY_CALC)
    result = cli("next")
    assert result.code == 0, result.stderr
    assert "your code does not pass step 2's tests yet" in result.stderr
    assert "vibecode next --keep-mine" in result.stderr
    assert snapshot(workspace) == course.checkpoint(2)
    assert ("app/calc.py", BUGGY_CALC.encode()) in saved_contents(workspace)


def test_next_keep_mine_keeps_failing_code(cli: Cli, course: Course, workspace: Path) -> None:
    apply.goto(course, workspace, 1)
    _type_step_2(workspace, BUGGY_CALC)
    result = cli("next", "--keep-mine")
    assert result.code == 0, result.stderr
    assert (workspace / "app/calc.py").read_text() == BUGGY_CALC
    assert load_state(workspace).kept["app/calc.py"] == 2


def test_a_passing_check_next_is_not_run_again(course: Course, workspace: Path) -> None:
    apply.goto(course, workspace, 1)
    _type_step_2(workspace, TYPED_CALC)
    report, _ = follow.check_next(course, workspace)
    assert report.ok
    runs: list[object] = []

    def refuse(*args: object) -> object:
        runs.append(args)
        raise AssertionError("the tests ran again")

    result = follow.advance(course, workspace, runner=refuse)  # type: ignore[arg-type]
    assert result.kept and result.reused and not runs
    # A change after the check: the tests run again.
    apply.goto(course, workspace, 1)


def test_next_without_own_files_is_the_plain_move(
    cli: Cli, course: Course, workspace: Path
) -> None:
    apply.goto(course, workspace, 1)
    assert cli("next").code == 0
    assert snapshot(workspace) == course.checkpoint(2)
    assert load_state(workspace).kept == {}


@pytest.fixture
def merge_course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Course:
    """Three steps that change one file in different places, plus one they never touch."""
    lines = [f"line {n}\n" for n in range(1, 11)]
    three = lines.copy()
    three[8] = "line 9 changed by step 3\n"
    conflicting = three.copy()
    conflicting[0] = "line 1 changed by step 4\n"
    root = write_course(
        tmp_path / "merge-steps",
        [
            StepSpec("one", {"app/a.py": "".join(lines), "app/b.py": "B = 1\n"}),
            StepSpec("two", {"app/c.py": "C = 2\n"}),
            StepSpec("three", {"app/a.py": "".join(three)}),
            StepSpec("four", {"app/a.py": "".join(conflicting)}),
        ],
    )
    monkeypatch.setenv("VIBECODE_STEPS", str(root))
    return load_course(root)


def test_goto_merge_carries_the_attendees_changes(
    cli: Cli, merge_course: Course, workspace: Path
) -> None:
    apply.goto(merge_course, workspace, 1)
    a = (workspace / "app/a.py").read_text().replace("line 1\n", "line 1 mine\n")
    (workspace / "app/a.py").write_text(a)
    (workspace / "app/b.py").write_text("B = 'mine'\n")
    result = cli("goto", "3", "--merge")
    assert result.code == 0, result.stderr
    merged = (workspace / "app/a.py").read_text()
    assert "line 1 mine\n" in merged and "line 9 changed by step 3\n" in merged
    assert (workspace / "app/b.py").read_text() == "B = 'mine'\n"  # step 3 leaves it alone
    assert (workspace / "app/c.py").read_text() == "C = 2\n"
    assert "merged app/a.py" in result.stdout
    assert ("app/a.py", a.encode()) in saved_contents(workspace)  # their version, saved anyway
    # Step 4 changes line 1 too: a conflict keeps the plain behaviour and says how to compare.
    result = cli("goto", "4", "--merge")
    assert result.code == 0, result.stderr
    assert (workspace / "app/a.py").read_bytes() == merge_course.checkpoint(4)["app/a.py"]
    assert "conflict app/a.py: your version saved" in result.stderr
    compare = result.stderr.split("compare: ", 1)[1].split()
    shown = cli(*compare[1:])
    assert shown.code == 0, shown.stderr
    assert "+line 1 mine" in shown.stdout and "-line 1 changed by step 4" in shown.stdout


def test_goto_without_merge_replaces_as_before(merge_course: Course, workspace: Path) -> None:
    apply.goto(merge_course, workspace, 1)
    (workspace / "app/a.py").write_text("mine\n")
    apply.goto(merge_course, workspace, 3)
    assert snapshot(workspace) == merge_course.checkpoint(3)


def test_merge_texts() -> None:
    base = b"a\nb\nc\nd\n"
    assert merge_texts(base, b"A\nb\nc\nd\n", b"a\nb\nc\nD\n") == b"A\nb\nc\nD\n"
    assert merge_texts(base, b"A\nb\nc\nd\n", b"X\nb\nc\nd\n") is None
    assert merge_texts(base, b"\0", b"a\n") is None


@pytest.fixture
def hinted_course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Course:
    """A two-step course whose second step has two hints and an "If it breaks" point."""
    manifest = (
        'title = "Add"\ngoal = "add works"\nminutes = 3\n'
        'talking_points = ["Say it", "If it breaks: \'assert -1 == 3\' -> you subtract; add."]\n'
        'tests = ["tests/test_calc.py"]\n'
        'hints = ["add returns a + b", "look at the operator"]\n'
    )
    root = write_course(
        tmp_path / "hint-steps",
        [
            StepSpec("start", {"app/__init__.py": ""}),
            StepSpec(
                "add",
                {
                    "app/calc.py": CALC_V1,
                    "tests/test_calc.py": (
                        "from app.calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n"
                    ),
                },
                manifest=manifest,
            ),
        ],
    )
    monkeypatch.setenv("VIBECODE_STEPS", str(root))
    return load_course(root)


def test_hints_one_at_a_time_and_the_matching_point_on_failure(
    cli: Cli, hinted_course: Course, workspace: Path
) -> None:
    apply.goto(hinted_course, workspace, 2)
    (workspace / "app/calc.py").write_text(BUGGY_CALC)
    result = cli("check")
    assert result.code == 1
    assert "If it breaks: 'assert -1 == 3' -> you subtract; add." in result.stdout
    assert "shows hint 1 of 2" in result.stdout
    assert "Hint 1/2 (step 2): add returns a + b" in cli("hint").stdout
    assert "Hint 2/2 (step 2): look at the operator" in cli("hint").stdout
    assert "No more hints for step 2" in cli("hint").stdout
    assert "Hint 1/2" in cli("check").stdout  # hints shown so far come with every failure
    assert load_state(workspace).hints == {2: 2}


def test_solution_shows_or_writes_beside_never_over(
    cli: Cli, hinted_course: Course, workspace: Path
) -> None:
    apply.goto(hinted_course, workspace, 2)
    (workspace / "app/calc.py").write_text(BUGGY_CALC)
    listing = cli("solution")
    assert "app/calc.py (differs from yours)" in listing.stdout
    assert cli("solution", "app/calc.py").stdout == CALC_V1  # piped: the file, byte for byte
    result = cli("solution", "app/calc.py", "--write")
    assert result.code == 0, result.stderr
    written = workspace / ".vibecode/solutions/step-02/app/calc.py"
    assert written.read_text() == CALC_V1
    assert (workspace / "app/calc.py").read_text() == BUGGY_CALC  # theirs untouched
    assert "diff -u app/calc.py .vibecode/solutions/step-02/app/calc.py" in result.stderr
    missing = cli("solution", "app/nope.py")
    assert missing.code == 2 and "step 2 has no file app/nope.py" in missing.stderr
