"""`course absorb`: an edit of the reference goes to the step that introduced its lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from vibecode.authoring.absorb import absorb
from vibecode.course.manifest import load_course
from vibecode.errors import VibecodeError

from .course_kit import make_course

STEPS = [
    {"app/main.py": b"one\ntwo\n"},
    {"app/main.py": b"one\ntwo\nthree\n"},
    {"app/main.py": b"one\ntwo\nthree\nfour\n", "tests/test_x.py": b"t\n"},
]


def _course(tmp_path: Path, steps: list[dict[str, bytes]] = STEPS) -> Path:
    return make_course(tmp_path / "course", steps, reference=True)


def _edit(tmp_path: Path, path: str, data: bytes) -> None:
    (tmp_path / "ref" / path).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "ref" / path).write_bytes(data)


def test_a_changed_line_goes_to_the_step_that_wrote_it(tmp_path: Path) -> None:
    root = _course(tmp_path)
    _edit(tmp_path, "app/main.py", b"one\nTWO\nthree\nfour\n")
    done = absorb(load_course(root))
    assert [(m.path, m.line, m.kind, m.step) for m in done.moves] == [
        ("app/main.py", 2, "changed", 1)
    ]
    course = load_course(root)
    assert [course.checkpoint(n)["app/main.py"] for n in (1, 2, 3)] == [
        b"one\nTWO\n",
        b"one\nTWO\nthree\n",
        b"one\nTWO\nthree\nfour\n",
    ]
    assert done.report is not None and done.report.steps_changed == [1, 2, 3]


def test_an_inserted_line_goes_where_its_neighbours_first_meet(tmp_path: Path) -> None:
    root = _course(tmp_path)
    _edit(tmp_path, "app/main.py", b"one\ntwo\nthree\n2.5\nfour\n")
    absorb(load_course(root))
    course = load_course(root)
    assert course.checkpoint(2)["app/main.py"] == b"one\ntwo\nthree\n"
    assert course.checkpoint(3)["app/main.py"] == b"one\ntwo\nthree\n2.5\nfour\n"


def test_a_line_once_between_them_pushes_the_change_past_the_step_that_removed_it(
    tmp_path: Path,
) -> None:
    steps = [
        {"app/main.py": b"a\nb\n"},
        {"app/main.py": b"a\nx\nb\n"},  # x comes in at 2 ...
        {"app/main.py": b"a\nb\n"},  # ... and goes at 3
        {"app/main.py": b"a\nb\nc\n"},
    ]
    root = _course(tmp_path, steps)
    _edit(tmp_path, "app/main.py", b"a\nnew\nb\nc\n")  # between a and b: from step 3 on
    done = absorb(load_course(root))
    assert done.moves[0].step == 3
    course = load_course(root)
    assert course.checkpoint(2)["app/main.py"] == b"a\nx\nb\n"
    assert course.checkpoint(3)["app/main.py"] == b"a\nnew\nb\n"


def test_new_and_removed_files_come_and_go_at_the_last_step(tmp_path: Path) -> None:
    root = _course(tmp_path)
    _edit(tmp_path, "app/extra.py", b"x\n")
    (tmp_path / "ref" / "tests" / "test_x.py").unlink()
    done = absorb(load_course(root))
    assert {(m.path, m.kind, m.step) for m in done.moves} == {
        ("app/extra.py", "new file", 3),
        ("tests/test_x.py", "deleted file", 3),
    }
    course = load_course(root)
    assert "tests/test_x.py" not in course.checkpoint(3)
    assert course.step(3).tests == ()
    assert course.checkpoint(3)["app/extra.py"] == b"x\n"


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    root = _course(tmp_path)
    before = (root / "course.weave").read_bytes()
    _edit(tmp_path, "app/main.py", b"one\nTWO\nthree\nfour\n")
    assert absorb(load_course(root), dry_run=True).moves
    assert (root / "course.weave").read_bytes() == before


def test_a_course_without_a_reference_is_refused(tmp_path: Path) -> None:
    root = make_course(tmp_path / "course", STEPS)
    with pytest.raises(VibecodeError, match="declares no reference"):
        absorb(load_course(root))
