"""What `check` tells an attendee: file and line of their error, whole test names, a timeout, the
step's own new tests first, the first failure by default; and the warm runner of `--watch`."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tool_tests.workspace.workspace_kit import StepSpec, write_course
from vibecode.course.manifest import Course, load_course
from vibecode.workspace import apply
from vibecode.workspace.checks import own_tests, run_step_tests
from vibecode.workspace.warm import WarmRunner

OLD_TESTS = "".join(f"def test_old_{n}():\n    assert True\n\n\n" for n in range(30))
CONFTEST = "from app.config import NAME  # imported by every test, as the course's conftest does\n"


@pytest.fixture
def check_course(tmp_path: Path) -> Course:
    """Step 1: thirty old tests; step 2 adds a test module and a test to the old one."""
    new_test = "from app.calc import add\n\n\ndef test_add():\n    assert add(2, 2) == 4\n"
    root = write_course(
        tmp_path / "steps",
        [
            StepSpec(
                "base",
                {
                    "app/__init__.py": "",
                    "app/config.py": "NAME = 'x'\n",
                    "tests/conftest.py": CONFTEST,
                    "tests/test_old.py": OLD_TESTS,
                },
                tests=["tests/test_old.py"],
            ),
            StepSpec(
                "calc",
                {
                    "app/calc.py": "def add(a, b):\n    return a + b\n",
                    "tests/test_calc.py": new_test,
                    "tests/test_old.py": OLD_TESTS
                    + "def test_old_module_changed_here():\n    assert 1 + 1 == 2\n",
                },
                tests=["tests/test_old.py", "tests/test_calc.py"],
            ),
        ],
    )
    return load_course(root)


def test_own_tests(check_course: Course) -> None:
    assert own_tests(check_course, 2) == {
        "tests/test_calc.py",
        "tests/test_old.py::test_old_module_changed_here",
    }
    assert own_tests(check_course, 1) == {"tests/test_old.py"}


def test_the_steps_own_tests_run_first_and_the_run_stops_at_the_first_failure(
    check_course: Course, workspace: Path
) -> None:
    apply.goto(check_course, workspace, 2)
    (workspace / "app/calc.py").write_text("def add(a, b):\n    return a * b + 1\n")
    report = run_step_tests(check_course, workspace, 2, stop_first=True)
    assert not report.ok and report.stopped
    assert report.passed <= 1  # only the other new test may run before it
    assert report.not_run >= 30
    ((problem),) = report.problems
    assert problem.nodeid == "tests/test_calc.py::test_add"
    assert "assert 5 == 4" in problem.message
    assert [(w.path, w.line) for w in problem.where] == [("tests/test_calc.py", 5)]
    every = run_step_tests(check_course, workspace, 2)
    assert every.passed == 31 and every.failed == 1 and not every.stopped


@pytest.mark.parametrize(
    ("broken", "kind", "line"),
    [
        ("NAME = (\n", "SyntaxError", 1),
        ("import app.nowhere\n", "ModuleNotFoundError", 1),
        ("X = 1\nNAME = undefined_name\n", "NameError", 2),
    ],
)
def test_an_error_in_the_app_names_its_file_and_line(
    check_course: Course, workspace: Path, broken: str, kind: str, line: int
) -> None:
    apply.goto(check_course, workspace, 2)
    (workspace / "app/config.py").write_text(broken)
    report = run_step_tests(check_course, workspace, 2, stop_first=True)
    assert not report.ok
    problem = report.problems[0]
    assert problem.kind == kind, problem
    assert ("app/config.py", line) in [(w.path, w.line) for w in problem.where], problem
    assert len(problem.message.splitlines()) <= 6


def test_a_hanging_test_times_out(check_course: Course, workspace: Path) -> None:
    apply.goto(check_course, workspace, 2)
    (workspace / "app/calc.py").write_text(
        "import time\n\n\ndef add(a, b):\n    time.sleep(60)\n    return a + b\n"
    )
    started = time.monotonic()
    report = run_step_tests(check_course, workspace, 2, stop_first=True, timeout=1)
    assert time.monotonic() - started < 30
    assert "Timeout" in report.problems[0].message


def test_the_warm_runner_sees_every_save(
    check_course: Course, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)  # cached .pyc, as for users
    apply.goto(check_course, workspace, 2)
    calc = workspace / "app/calc.py"
    with WarmRunner() as runner:
        for n, body in enumerate(["a + b", "a - b", "a + b", "0"] * 2):
            # Same size, same second: a cached .pyc would run the older code.
            calc.write_text(f"def add(a, b):\n    return {body:<5}\n")
            report = run_step_tests(check_course, workspace, 2, stop_first=True, runner=runner)
            assert report.ok is (body == "a + b"), (n, body, report.problems)
        assert runner.warm_runs == 8


@pytest.mark.e2e
def test_the_warm_runner_passes_what_a_cold_run_passes(
    repo_root: Path, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The course's step-19 test of session slots (asgi-lifespan, sniffio) in warm children.

    It failed in every child after the first while the parent preloaded `_asyncio` before
    `asyncio` (the learned module list is sorted): a runner's fault shown as the user's."""
    import os
    import sys

    course = load_course(repo_root / "steps")
    apply.goto(course, workspace, course.last)
    test = "tests/test_database.py::test_requests_wait_for_a_session_slot_in_arrival_order"
    command = [sys.executable, "-m", "pytest", test, "-q", "-p", "no:cacheprovider"]
    env = {**os.environ, "PYTHONPATH": str(workspace)}
    with WarmRunner() as runner:
        codes = [runner(command, workspace, env).returncode for _ in range(3)]
        assert runner.warm_runs == 3
    assert codes == [0, 0, 0]


def test_the_plugin_leaves_no_warning_behind(tmp_path: Path, workspace: Path) -> None:
    """Under `filterwarnings = error` (as the course's pytest.ini has it), a file the plugin left
    open failed the run with a ResourceWarning once the garbage collector found it."""
    test = "import gc\n\n\ndef test_collects():\n    gc.collect()\n    assert True\n"
    root = write_course(
        tmp_path / "strict-steps",
        [
            StepSpec(
                "strict",
                {
                    "pytest.ini": "[pytest]\nfilterwarnings =\n    error\n",
                    "tests/test_gc.py": test,
                    "tests/test_more.py": test.replace("test_collects", "test_again"),
                },
                tests=["tests/test_gc.py", "tests/test_more.py"],
            )
        ],
    )
    course = load_course(root)
    apply.goto(course, workspace, 1)
    report = run_step_tests(course, workspace, 1)
    assert report.ok, report.output
    assert report.passed == 2
