"""`vibecode check`: run a step's tests against the workspace, in a subprocess, and sum them up.

The workspace's code never runs in the tool's process: pytest runs with `cwd` and `PYTHONPATH`
set to the workspace, so `import app` finds the workspace's own package. The plugin
`vibecode.workspace.pytest_report` reports each outcome as JSON (with the user's file and line
for every error), runs the step's own new tests first, and always compiles the workspace's code
from source. `check --next` runs the next step's tests on a copy of what `vibecode next` would
make of the workspace (`files=`), leaving the workspace itself alone.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vibecode.course.manifest import Course
from vibecode.errors import VibecodeError

Runner = Callable[[Sequence[str], Path, dict[str, str]], "subprocess.CompletedProcess[str]"]
PYTEST_CONFIGS = ("pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg")
TOOL_PLUGINS = ("hypothesispytest", "textual-snapshot", "syrupy")
"""Plugins of the tool's own tests (its dev extras): a workspace's tests never use them, and
importing them took pytest's start-up from 0.9 s to 3 s on a two-core machine."""
TEST_TIMEOUT = 30.0
"""Seconds one test may take before pytest-timeout fails it (a hang must not spin forever)."""
PLUGIN = "vibecode.workspace.pytest_report"


@dataclass(frozen=True)
class Location:
    """A line of the user's code: where an error came from."""

    path: str
    line: int
    code: str = ""


@dataclass(frozen=True)
class Problem:
    """One failing or erroring test (or a test file or conftest that cannot be imported)."""

    nodeid: str
    kind: str
    """The exception's type (`AssertionError`, `SyntaxError`...), or `failed`/`error`."""
    message: str
    """A few lines: the assertion with pytest's explanation, or the exception."""
    where: tuple[Location, ...] = ()


@dataclass(frozen=True)
class TestReport:
    """The outcome of one step's tests."""

    __test__ = False  # not a pytest test class, whatever its name says

    step: int
    tests: tuple[str, ...]
    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    problems: tuple[Problem, ...] = ()
    seconds: float = 0.0
    output: str = ""
    """pytest's own output (stdout and stderr)."""
    returncode: int = 0
    collected: int = 0
    stopped: bool = False
    """The run stopped at its first failure (the tests after it did not run)."""
    outcomes: tuple[tuple[str, str], ...] = ()
    """(test id, outcome) for each test that ran, in order: what the room is told."""

    @property
    def failures(self) -> tuple[tuple[str, str], ...]:
        """(test id, first line of the problem) for each failing or erroring test."""
        return tuple(
            (p.nodeid, p.message.splitlines()[0] if p.message else p.kind) for p in self.problems
        )

    @property
    def no_tests(self) -> bool:
        """The step declares no tests: there is nothing to check."""
        return not self.tests

    @property
    def not_run(self) -> int:
        """Collected tests that did not run because the run stopped early."""
        return max(0, self.collected - self.passed - self.failed - self.errors - self.skipped)

    @property
    def ok(self) -> bool:
        """Every test passed (or was skipped); pytest found and ran them."""
        return self.no_tests or (self.returncode == 0 and not self.failed and not self.errors)


def run_step_tests(
    course: Course,
    workspace: Path,
    number: int,
    *,
    database_url: str | None = None,
    runner: Runner | None = None,
    stop_first: bool = False,
    files: Mapping[str, bytes] | None = None,
    timeout: float = TEST_TIMEOUT,
    only_own: bool = False,
) -> TestReport:
    """Run step `number`'s tests with `sys.executable -m pytest`, its own new tests first.

    `stop_first` stops at the first failure; `only_own` runs the step's own new tests alone
    (all of them when it has none). With `files`, the tests run in a temporary folder holding
    exactly these files instead of the workspace.
    """
    tests = course.step(number).tests if number > 0 else ()
    if not tests:
        return TestReport(step=number, tests=())
    if not workspace.is_dir():
        raise VibecodeError(f"there is no workspace at {workspace}", hint="`vibecode goto N`")
    with tempfile.TemporaryDirectory(prefix="vibecode-check-") as scratch:
        root = workspace
        if files is not None:
            root = Path(scratch, "workspace")
            _materialize(root, files)
        report = Path(scratch) / "report.jsonl"
        command, env = pytest_command(
            course, root, number, report=report, scratch=Path(scratch),
            database_url=database_url, stop_first=stop_first, timeout=timeout, only_own=only_own,
        )  # fmt: skip
        started = time.monotonic()
        done = (runner or run_subprocess)(command, root, env)
        seconds = time.monotonic() - started
        return read_report(
            number, tuple(tests), report, done.stdout or "", done.returncode, seconds
        )


def pytest_command(
    course: Course,
    root: Path,
    number: int,
    *,
    report: Path,
    scratch: Path,
    database_url: str | None,
    stop_first: bool,
    timeout: float,
    only_own: bool = False,
) -> tuple[list[str], dict[str, str]]:
    """The pytest command line and environment for step `number`'s tests in `root`."""
    own = sorted(own_tests(course, number))
    targets = own if only_own and own else list(course.step(number).tests)
    from vibecode.serve.environment import app_environment

    env = app_environment(root, database_url=database_url, tests=True)
    env["VIBECODE_ROOT"] = str(root)
    env["VIBECODE_REPORT"] = str(report)
    env["VIBECODE_FIRST"] = json.dumps(own)
    command = [
        sys.executable, "-m", "pytest", *targets, "-q",
        "-p", "no:cacheprovider", "-p", PLUGIN,
        # Relative: pytest expands `$NAME` in --rootdir, and a workspace path may hold a `$`.
        "--rootdir=.", f"--timeout={timeout:g}",
        *(f"-pno:{plugin}" for plugin in TOOL_PLUGINS),
    ]  # fmt: skip
    if stop_first:
        command.append("-x")
    if not any((root / name).is_file() for name in PYTEST_CONFIGS):
        # Without a config of its own, pytest would take one from a folder above the workspace.
        config = scratch / "pytest.ini"
        config.write_text("[pytest]\n", encoding="utf-8")
        command.append(f"--config-file={config}")
    return command, env


def own_tests(course: Course, number: int) -> set[str]:
    """The tests step `number` adds or changes: whole new test files, else new test functions.

    Node ids (`tests/test_x.py::test_y`, `tests/test_x.py::TestC::test_y`) or file paths.
    """
    import ast

    if number < 1:
        return set()
    before, after = course.checkpoint(number - 1), course.checkpoint(number)
    found: set[str] = set()
    for target in course.step(number).tests:
        path = target.split("::", 1)[0]
        if path not in after:
            continue
        if path not in before:
            found.add(path)
            continue
        try:
            old, new = _test_sources(ast, before[path]), _test_sources(ast, after[path])
        except (SyntaxError, ValueError):
            continue
        found |= {f"{path}::{name}" for name, source in new.items() if old.get(name) != source}
    return found


def _test_sources(ast: Any, data: bytes) -> dict[str, str]:
    """Test name (`test_x`, `TestC::test_x`) -> its source, for one test module."""
    text = data.decode("utf-8")
    tree = ast.parse(text)
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
            "test"
        ):
            found[node.name] = ast.get_source_segment(text, node) or ""
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            for item in node.body:
                if isinstance(
                    item, ast.FunctionDef | ast.AsyncFunctionDef
                ) and item.name.startswith("test"):
                    found[f"{node.name}::{item.name}"] = ast.get_source_segment(text, item) or ""
    return found


def fingerprint(files: Mapping[str, bytes]) -> str:
    """One hash for a set of files (paths and contents): what a passing check passed on."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(hashlib.sha256(files[path]).digest())
    return digest.hexdigest()


def _materialize(root: Path, files: Mapping[str, bytes]) -> None:
    for path, data in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def run_subprocess(
    command: Sequence[str], cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """The plain `Runner`: one pytest subprocess, its output captured."""
    return subprocess.run(
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        check=False,
    )


def read_report(
    number: int,
    tests: tuple[str, ...],
    report: Path,
    output: str,
    returncode: int,
    seconds: float,
) -> TestReport:
    """A `TestReport` from the plugin's JSON lines (and pytest's output, when it wrote none)."""
    counts = {"passed": 0, "failed": 0, "error": 0, "skipped": 0}
    problems: list[Problem] = []
    outcomes: list[tuple[str, str]] = []
    collected, stopped, finished = 0, False, False
    for event in _events(report):
        kind = event.get("event")
        if kind == "test":
            outcome = str(event.get("outcome"))
            counts[outcome if outcome in counts else "error"] += 1
            outcomes.append((str(event.get("nodeid")), outcome if outcome in counts else "error"))
            if outcome in ("failed", "error"):
                problems.append(_problem(event))
        elif kind == "error":
            counts["error"] += 1
            problems.append(_problem(event))
            outcomes.append((str(event.get("nodeid") or "collection"), "error"))
        elif kind == "collected":
            collected = _int(event.get("count"))
        elif kind == "finish":
            finished = True
            stopped = bool(event.get("stopped")) and returncode != 0
    if (returncode not in (0, 1) or not finished) and not problems:
        # No tests collected, a usage error, an internal error: no event says so.
        lines = [line for line in output.splitlines() if line.strip()]
        problems.append(
            Problem("pytest", "error", lines[-1] if lines else f"exit code {returncode}")
        )
        counts["error"] = max(counts["error"], 1)
    return TestReport(
        step=number,
        tests=tests,
        passed=counts["passed"],
        failed=counts["failed"],
        errors=counts["error"],
        skipped=counts["skipped"],
        problems=tuple(problems),
        seconds=seconds,
        output=output,
        returncode=returncode or (1 if problems else 0),
        collected=collected,
        stopped=stopped,
        outcomes=tuple(outcomes),
    )


def _events(report: Path) -> list[dict[str, Any]]:
    try:
        lines = report.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    events = []
    for line in lines:
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict):
            events.append(event)
    return events


def _problem(event: Mapping[str, Any]) -> Problem:
    where = tuple(
        Location(str(item.get("path", "?")), _int(item.get("line")), str(item.get("code") or ""))
        for item in event.get("where") or ()
        if isinstance(item, dict)
    )
    return Problem(
        nodeid=str(event.get("nodeid") or "pytest"),
        kind=str(event.get("kind") or event.get("outcome") or "error"),
        message=str(event.get("message") or ""),
        where=where,
    )


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
