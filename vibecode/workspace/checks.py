"""`vibecode check`: run a step's tests against the workspace, in a subprocess, and sum them up.

The workspace's code never runs in the tool's process: pytest runs with `cwd` and `PYTHONPATH`
set to the workspace, so `import app` finds the workspace's own package.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from vibecode.course.manifest import Course
from vibecode.errors import VibecodeError

Runner = Callable[[Sequence[str], Path, dict[str, str]], "subprocess.CompletedProcess[str]"]
PYTEST_CONFIGS = ("pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg")
TOOL_PLUGINS = ("hypothesispytest", "textual-snapshot", "syrupy")
"""Plugins of the tool's own tests (its dev extras): a workspace's tests never use them, and
importing them took pytest's start-up from 0.9 s to 3 s on a two-core machine."""


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
    failures: tuple[tuple[str, str], ...] = ()
    """(test id, short message) for each failing or erroring test."""
    seconds: float = 0.0
    output: str = ""
    """pytest's own output (stdout and stderr)."""
    returncode: int = 0

    @property
    def no_tests(self) -> bool:
        """The step declares no tests: there is nothing to check."""
        return not self.tests

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
) -> TestReport:
    """Run step `number`'s tests in the workspace with `sys.executable -m pytest`."""
    tests = course.step(number).tests if number > 0 else ()
    if not tests:
        return TestReport(step=number, tests=())
    if not workspace.is_dir():
        raise VibecodeError(f"there is no workspace at {workspace}", hint="`vibecode goto N`")
    env = dict(os.environ)
    env["PYTHONPATH"] = str(workspace)
    if database_url:
        env["DATABASE_URL"] = env["TEST_DATABASE_URL"] = database_url
    with tempfile.TemporaryDirectory(prefix="vibecode-check-") as scratch:
        report = Path(scratch) / "junit.xml"
        command = [
            sys.executable, "-m", "pytest", *tests, "-q", f"--junitxml={report}",
            "-p", "no:cacheprovider", f"--rootdir={workspace}",
            *(f"-pno:{plugin}" for plugin in TOOL_PLUGINS),
        ]  # fmt: skip
        if not any((workspace / name).is_file() for name in PYTEST_CONFIGS):
            # Without a config of its own, pytest would take one from a folder above the workspace.
            config = Path(scratch) / "pytest.ini"
            config.write_text("[pytest]\n", encoding="utf-8")
            command.append(f"--config-file={config}")
        started = time.monotonic()
        done = (runner or _run)(command, workspace, env)
        seconds = time.monotonic() - started
        return _report(number, tuple(tests), workspace, report, done, seconds)


def _run(
    command: Sequence[str], cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
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


def _report(
    number: int,
    tests: tuple[str, ...],
    workspace: Path,
    junit: Path,
    done: subprocess.CompletedProcess[str],
    seconds: float,
) -> TestReport:
    output = done.stdout or ""
    try:
        root = ElementTree.parse(junit).getroot()
    except (OSError, ElementTree.ParseError):
        lines = [line for line in output.splitlines() if line.strip()]
        reason = lines[-1] if lines else f"pytest exited with code {done.returncode}"
        return TestReport(
            number, tests, errors=1, failures=(("pytest", reason),), seconds=seconds,
            output=output, returncode=done.returncode or 1,
        )  # fmt: skip
    passed = failed = errors = skipped = 0
    failures: list[tuple[str, str]] = []
    for case in root.iter("testcase"):
        failure, error = case.find("failure"), case.find("error")
        if failure is not None or error is not None:
            problem = failure if failure is not None else error
            assert problem is not None
            if failure is not None:
                failed += 1
            else:
                errors += 1
            failures.append((_node_id(workspace, case), _short(problem)))
        elif case.find("skipped") is not None:
            skipped += 1
        else:
            passed += 1
    if done.returncode not in (0, 1) and not failures:
        # No tests collected, a usage error, an internal error: no testcase says so.
        lines = [line for line in output.splitlines() if line.strip()]
        failures.append(("pytest", lines[-1] if lines else f"exit code {done.returncode}"))
    return TestReport(
        number, tests, passed, failed, errors, skipped, tuple(failures), seconds, output,
        done.returncode,
    )  # fmt: skip


def _node_id(workspace: Path, case: ElementTree.Element) -> str:
    """`tests/test_x.py::TestY::test_z` from JUnit's `tests.test_x.TestY` and `test_z`."""
    classname, name = case.get("classname", ""), case.get("name", "")
    # A collection error has no classname; its name is the module's dotted path.
    parts, tail = (classname.split("."), [name]) if classname else (name.split("."), [])
    for cut in range(len(parts), 0, -1):
        module = "/".join(parts[:cut]) + ".py"
        if (workspace / module).is_file():
            return "::".join([module, *parts[cut:], *tail])
    return "::".join(filter(None, [classname, name]))


def _short(problem: ElementTree.Element) -> str:
    message = (problem.get("message") or problem.text or "").strip()
    first = message.splitlines()[0] if message else "failed"
    return first if len(first) <= 200 else first[:197] + "..."
