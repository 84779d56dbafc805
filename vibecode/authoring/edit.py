"""`course edit N` and `course save`: change an earlier step, carry the change forward.

The edit happens in a workspace at step N. Saving takes the workspace as the new step N and
merges every later step on top of it (`carry.py`). On a conflict the course is left untouched:
the workspace moves to the conflicting step with both sides marked, the author settles it and
saves again, and the carry goes on from there (as `git rebase --continue` does).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vibecode.atomic import atomic_write
from vibecode.authoring.carry import CarryConflict, carry, has_markers, merge_checkpoints
from vibecode.authoring.session import (
    EditSession,
    end_session,
    load_session,
    save_session,
    store_version,
    stored_version,
)
from vibecode.authoring.snapshot import workspace_files
from vibecode.authoring.writer import SaveReport, checkpoints, course_digest, save_course
from vibecode.course.manifest import Course
from vibecode.errors import CheckFailed, VibecodeError
from vibecode.workspace.apply import goto

Reload = Callable[[], Course]


@dataclass(frozen=True)
class Saved:
    """A finished save: the edited step and what the write changed."""

    step: int
    report: SaveReport


def begin_edit(course: Course, workspace: Path, number: int) -> None:
    """Put step `number` in the workspace and remember that it is being edited."""
    digest = course_digest(course)
    current = load_session(workspace)
    if current is not None:
        raise VibecodeError(
            f"step {current.step} is being edited in {workspace}",
            hint="`vibecode course save` finishes it, `vibecode course edit --abort` drops it",
        )
    if not 1 <= number <= course.size:
        raise VibecodeError(f"there is no step {number}: the course has steps 1 to {course.size}")
    goto(course, workspace, number, reason=f"course edit {number}")
    save_session(workspace, EditSession(course=course.root, step=number, digest=digest))


def abort_edit(course: Course, workspace: Path) -> int:
    """Drop the edit in progress; the workspace goes back to the edited step's checkpoint."""
    session = _session(workspace)
    end_session(workspace)
    goto(course, workspace, session.step, reason="course edit --abort")
    return session.step


def save_edit(course: Course, workspace: Path, *, reload: Reload) -> Saved:
    """Take the workspace as the edited step (or the settled conflict) and carry it forward."""
    session = _session(workspace)
    if session.course != course.root:
        raise VibecodeError(
            f"the edit in {workspace} is of the course in {session.course}",
            hint=f"`vibecode course save --course {session.course}`",
        )
    if course_digest(course) != session.digest:
        raise VibecodeError(
            "the course changed since `vibecode course edit` (another save, a git checkout)",
            hint="`vibecode course edit --abort`, then edit again",
        )
    files = workspace_files(workspace)
    at = session.resolving if session.resolving is not None else session.step
    marked = sorted(path for path, data in files.items() if has_markers(data))
    if marked:
        raise CheckFailed(
            f"conflict markers are still in {', '.join(marked)}",
            hint="settle each <<<<<<< ... >>>>>>> region, then `vibecode course save`",
        )
    store_version(workspace, at, files)
    if at not in session.settled:
        session.settled.append(at)
    old = checkpoints(course)
    settled = {n: stored_version(workspace, n) for n in session.settled}
    titles = [step.title for step in course.all_steps]
    try:
        versions = carry(old, session.step, settled[session.step], titles=titles, resolved=settled)
    except CarryConflict as conflict:
        session.resolving = conflict.step
        save_session(workspace, session)
        _show_conflict(course, workspace, old, settled, conflict)
        raise
    report = save_course(course, versions)
    end_session(workspace)
    # The workspace already holds the new version of the step it is at: nothing is rewritten.
    goto(reload(), workspace, at, reason="course save")
    return Saved(step=session.step, report=report)


def _session(workspace: Path) -> EditSession:
    session = load_session(workspace)
    if session is None:
        raise VibecodeError(
            f"no step is being edited in {workspace}",
            hint="`vibecode course edit N` first; to take edits made in the reference app, "
            "`vibecode course absorb`",
        )
    return session


def _show_conflict(
    course: Course,
    workspace: Path,
    old: list[dict[str, bytes]],
    settled: dict[int, dict[str, bytes]],
    conflict: CarryConflict,
) -> None:
    """Put the conflicting step in the workspace: merged files, both sides marked where not."""
    k = conflict.step
    before = carry(old[:k], conflict.edited, settled[conflict.edited], titles=[], resolved=settled)
    merged, _ = merge_checkpoints(old[k - 1], before[k - 1], old[k])
    for item in conflict.files:
        merged[item.path] = item.merged
    goto(course, workspace, k, reason="course save (conflict)")
    for path, data in merged.items():
        if old[k].get(path) != data:
            atomic_write(workspace / path, data)
    for path in old[k]:
        if path not in merged:
            (workspace / path).unlink(missing_ok=True)
