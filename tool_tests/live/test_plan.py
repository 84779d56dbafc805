"""The typing plan: hunks, the states in between, the order, and step.toml's [typing] keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from tool_tests.live.live_kit import write_step
from vibecode.course.manifest import Course, load_course
from vibecode.errors import StepError
from vibecode.live.plan import dependencies_first, hunks_between, plan_step

OLD = "import os\n\n\ndef a():\n    return 1\n\n\ndef b():\n    return 2\n"
NEW = "import os\nimport sys\n\n\ndef a():\n    return 10\n\n\ndef b():\n    return 2\n"


def lines(text: str) -> tuple[str, ...]:
    return tuple(text.splitlines(keepends=True))


def test_every_step_of_the_course_ends_at_its_checkpoint(real_course: Course) -> None:
    for number in range(1, real_course.last + 1):
        plan = plan_step(real_course, number)
        after = real_course.checkpoint(number)
        before = real_course.checkpoint(number - 1)
        changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
        assert {file.path for file in plan.files} == changed, number
        for file in plan.files:
            assert file.final() == after.get(file.path), (number, file.path)
            if file.mode != "instant":
                # Every state between hunks is reachable, and the last one is the file's end.
                assert file.text_after(len(file.hunks)).encode() == (after.get(file.path) or b"")


def test_changes_are_hunks_top_to_bottom_and_states_mix_new_and_old() -> None:
    hunks = hunks_between(lines(OLD), lines(NEW))
    assert len(hunks) == 2
    assert hunks[0].new_start < hunks[1].new_start
    from vibecode.live.plan import FilePlan

    plan = FilePlan("app/x.py", "typed", lines(OLD), lines(NEW), hunks)
    middle = plan.text_after(1)
    assert "import sys" in middle and "return 1\n" in middle  # first hunk new, second old
    assert plan.text_after(2) == NEW


def test_a_long_new_file_is_cut_before_top_level_statements_not_after_imports() -> None:
    body = "".join(f"\n\ndef f{i}():\n    x = {i}\n    return x\n" for i in range(6))
    text = '"""Doc."""\n\nimport os\nimport sys\n' + body
    hunks = hunks_between((), lines(text))
    assert len(hunks) > 1
    new = lines(text)
    for hunk in hunks[1:]:
        assert new[hunk.new_start].startswith("def "), new[hunk.new_start]
    first = "".join(new[hunks[0].new_start : hunks[0].new_end])
    assert "def f0" in first  # the imports never stand alone as a hunk


def test_imported_modules_are_typed_first() -> None:
    texts = {
        "app/main.py": "from app.api import users\n",
        "app/api/users.py": "from app.services.user_service import UserService\n",
        "app/services/user_service.py": "X = 1\n",
        "app/api/__init__.py": "",
    }
    order = dependencies_first(list(texts), texts)
    assert order.index("app/services/user_service.py") < order.index("app/api/users.py")
    assert order.index("app/api/users.py") < order.index("app/main.py")


def test_tests_and_migrations_are_written_at_once_with_a_note(real_course: Course) -> None:
    plan = plan_step(real_course, 5)
    modes = {file.path: (file.mode, file.note) for file in plan.files}
    migration = next(p for p in modes if "/alembic/versions/" in p)
    assert modes[migration] == ("instant", "what `alembic revision --autogenerate` writes")
    assert modes["tests/test_migrations.py"][0] == "instant"
    assert plan.files[-1].mode == "instant"  # typed code first, written files after


def small_course(tmp_path: Path, typing: str) -> Course:
    root = tmp_path / "steps"
    write_step(
        root, 1, {"app/a.py": "A = 1\n", "app/b.py": "B = 1\n", "tests/test_a.py": "x = 1\n"}
    )
    write_step(
        root,
        2,
        {"app/a.py": "A = 2\n\n\nC = 3\n", "app/b.py": "B = 2\n", "tests/test_a.py": "x = 2\n"},
        typing,
    )
    return load_course(root)


def test_typing_keys_set_the_order_instant_files_notes_and_joined_hunks(tmp_path: Path) -> None:
    course = small_course(
        tmp_path,
        '[typing]\norder = ["app/b.py"]\ninstant = ["app/a.py"]\ntyped = ["tests/test_a.py"]\n'
        'notes = { "app/a.py" = "generated" }\n',
    )
    plan = plan_step(course, 2)
    assert [f.path for f in plan.files] == ["app/b.py", "tests/test_a.py", "app/a.py"]
    by_path = {f.path: f for f in plan.files}
    assert by_path["app/a.py"].mode == "instant" and by_path["app/a.py"].note == "generated"
    assert by_path["tests/test_a.py"].mode == "typed"


def test_join_merges_a_hunk_into_the_one_before(tmp_path: Path) -> None:
    course = small_course(tmp_path, "")
    assert len(next(f for f in plan_step(course, 2).files if f.path == "app/a.py").hunks) == 1
    root = tmp_path / "two"
    write_step(root, 1, {"app/a.py": "A = 1\nB = 1\nC = 1\n"})
    write_step(
        root, 2, {"app/a.py": "A = 2\nB = 1\nC = 2\n"}, '[typing]\njoin = { "app/a.py" = [2] }\n'
    )
    joined = plan_step(load_course(root), 2).files[0]
    assert len(joined.hunks) == 1 and joined.text_after(1) == "A = 2\nB = 1\nC = 2\n"


@pytest.mark.parametrize(
    ("typing", "message"),
    [
        ('[typing]\norder = ["app/zzz.py"]\n', "typing.order: step 2 does not change 'app/zzz.py'"),
        ('[typing]\njoin = { "app/b.py" = [5] }\n', "has 1 hunks in step 2, not 5"),
        ("[typing]\nspeed = 3\n", "typing.speed: unknown key"),
        ('[typing]\ninstant = ["../x"]\n', "is not a path inside the workspace"),
    ],
)
def test_bad_typing_keys_are_clear_errors(tmp_path: Path, typing: str, message: str) -> None:
    with pytest.raises(StepError) as caught:
        plan_step(small_course(tmp_path, typing), 2)
    assert message in str(caught.value)


def test_an_empty_new_file_is_written_at_once(tmp_path: Path) -> None:
    root = tmp_path / "steps"
    write_step(root, 1, {"app/__init__.py": "", "app/main.py": "app = 1\n"})
    [empty, main] = sorted(plan_step(load_course(root), 1).files, key=lambda f: f.path)
    assert empty.mode == "instant" and empty.final() == b"" and "empty file" in empty.note
    assert main.mode == "typed"
