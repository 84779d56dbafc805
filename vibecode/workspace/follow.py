"""Coding along: check the step you are typing, and keep your code when it passes.

An attendee at step N types step N+1's code. `check_next` runs step N+1's tests on what
`vibecode next` would make of the workspace (their files where they wrote some, step N+1's
everywhere else), in a temporary copy. `advance` is `vibecode next`: when the attendee wrote
files the step needs and those pass its tests (or `keep_mine`), they stay and are recorded as
theirs, and only what they did not write is written; otherwise the move is the plain one
(their files saved first, the step's written). A passing `check --next` on exactly the same
files is not run again. `check_current` is `vibecode check`, recording a pass in the state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from vibecode.course.manifest import Course
from vibecode.workspace.apply import ApplyResult, OnSaved, goto, keep_theirs, neighbour
from vibecode.workspace.checks import (
    Runner,
    TestReport,
    fingerprint,
    run_step_tests,
)
from vibecode.workspace.files import read_files, sha256
from vibecode.workspace.lock import workspace_lock
from vibecode.workspace.state import WorkspaceState, load_state, save_state


@dataclass(frozen=True)
class Candidate:
    """What `vibecode next` would make of the workspace, keeping the attendee's files."""

    step: int
    files: dict[str, bytes]
    theirs: tuple[str, ...]
    """Paths the step needs (or the tool wrote) where the attendee has their own content."""

    @property
    def fingerprint(self) -> str:
        """The identity of these exact files (a pass on them can be reused)."""
        return fingerprint(self.files)


@dataclass(frozen=True)
class AdvanceResult:
    """What `vibecode next` did with the attendee's own files."""

    apply: ApplyResult
    theirs: tuple[str, ...] = ()
    report: TestReport | None = None
    """The next step's tests on their code (None: not run)."""
    kept: bool = False
    """Their files stayed and are recorded as theirs."""
    reused: bool = False
    """A passing `check --next` on exactly these files stood for the test run."""


def candidate(course: Course, workspace: Path, state: WorkspaceState, number: int) -> Candidate:
    """Step `number`'s checkpoint with the attendee's own files kept where they wrote some."""
    target = course.checkpoint(number)
    current = read_files(workspace)
    theirs = sorted(
        path
        for path in set(state.files) | set(target)
        if path in current
        and sha256(current[path]) not in state.owned(path)
        and current[path] != target.get(path)
    )
    files = dict(current)
    for path in set(state.files) - set(target) - set(theirs):
        files.pop(path, None)  # the step deletes it, and it is the tool's
    files.update({path: data for path, data in target.items() if path not in theirs})
    return Candidate(number, files, tuple(theirs))


def check_next(
    course: Course,
    workspace: Path,
    *,
    database_url: str | None = None,
    stop_first: bool = False,
    runner: Runner | None = None,
    only_own: bool = False,
) -> tuple[TestReport, Candidate]:
    """Run the next step's tests on the attendee's code (the workspace is not changed)."""
    state = load_state(workspace)
    number = neighbour(course, state.step, 1)
    found = candidate(course, workspace, state, number)
    report = run_step_tests(
        course, workspace, number, database_url=database_url, runner=runner,
        stop_first=stop_first, files=found.files, only_own=only_own,
    )  # fmt: skip
    if report.ok and not report.no_tests and not only_own:
        record_pass(workspace, number, found.fingerprint)
    return report, found


def check_current(
    course: Course,
    workspace: Path,
    number: int,
    *,
    database_url: str | None = None,
    stop_first: bool = False,
    runner: Runner | None = None,
    only_own: bool = False,
) -> TestReport:
    """Run step `number`'s tests in the workspace; a pass (of them all) is recorded."""
    mark = fingerprint(read_files(workspace))
    report = run_step_tests(
        course, workspace, number, database_url=database_url, runner=runner,
        stop_first=stop_first, only_own=only_own,
    )  # fmt: skip
    if report.ok and not report.no_tests and not only_own:
        record_pass(workspace, number, mark)
    return report


def record_pass(workspace: Path, number: int, mark: str) -> None:
    """Remember that step `number`'s tests passed on the files with fingerprint `mark`."""
    with workspace_lock(workspace):
        state = load_state(workspace)
        save_state(workspace, replace(state, passed={**state.passed, number: mark}))


def advance(
    course: Course,
    workspace: Path,
    *,
    keep_mine: bool = False,
    database_url: str | None = None,
    on_saved: OnSaved | None = None,
    on_checking: Callable[[Candidate], None] | None = None,
    runner: Runner | None = None,
) -> AdvanceResult:
    """`vibecode next`, keeping the attendee's code when it passes the next step's tests."""
    with workspace_lock(workspace):
        state = load_state(workspace)
        number = neighbour(course, state.step, 1)
        found = candidate(course, workspace, state, number)
        if not found.theirs:
            return AdvanceResult(goto(course, workspace, number, on_saved=on_saved, reason="next"))
        if keep_mine:
            kept = keep_theirs(
                course, workspace, number, found.theirs, on_saved=on_saved,
                reason="next --keep-mine",
            )  # fmt: skip
            return AdvanceResult(kept, found.theirs, kept=True)
        reused = state.passed.get(number) == found.fingerprint
        report = None
        if not reused:
            if on_checking is not None:
                on_checking(found)
            report = run_step_tests(
                course, workspace, number, database_url=database_url, runner=runner,
                stop_first=True, files=found.files,
            )  # fmt: skip
        if reused or (report is not None and report.ok and not report.no_tests):
            kept = keep_theirs(
                course, workspace, number, found.theirs, on_saved=on_saved, reason="next"
            )
            record_pass(workspace, number, found.fingerprint)
            return AdvanceResult(kept, found.theirs, report, kept=True, reused=reused)
        plain = goto(course, workspace, number, on_saved=on_saved, reason="next")
        return AdvanceResult(plain, found.theirs, report)
