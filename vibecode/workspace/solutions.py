"""Help for a stuck attendee: a step's hints one at a time, and its files as the solution.

A solution is never written over the attendee's file: `write_solution` puts the step's version
in `.vibecode/solutions/step-NN/<path>`, beside theirs, to compare.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from vibecode.course.manifest import Course
from vibecode.errors import VibecodeError
from vibecode.paths import state_dir
from vibecode.workspace.lock import workspace_lock
from vibecode.workspace.state import load_state, save_state

SOLUTIONS_DIR = "solutions"


@dataclass(frozen=True)
class Hint:
    """One hint of a step: its number (1-based), how many there are, and its text."""

    step: int
    number: int
    total: int
    text: str


def next_hint(course: Course, workspace: Path, step: int) -> Hint | None:
    """The next hint of `step` not shown yet (recorded as shown); None when all were shown."""
    hints = course.step(step).hints
    with workspace_lock(workspace):
        state = load_state(workspace)
        shown = state.hints.get(step, 0)
        if shown >= len(hints):
            return None
        save_state(workspace, replace(state, hints={**state.hints, step: shown + 1}))
    return Hint(step, shown + 1, len(hints), hints[shown])


def shown_hints(course: Course, workspace: Path, step: int) -> list[Hint]:
    """The hints of `step` shown so far."""
    hints = course.step(step).hints
    shown = min(load_state(workspace).hints.get(step, 0), len(hints))
    return [Hint(step, i + 1, len(hints), hints[i]) for i in range(shown)]


def step_version(course: Course, step: int, path: str) -> bytes:
    """The step's version of a workspace file (its checkpoint's)."""
    files = course.checkpoint(step)
    if path not in files:
        changed = changed_files(course, step)
        raise VibecodeError(
            f"step {step} has no file {path}",
            hint=f"it changes: {', '.join(changed) or 'nothing'}",
        )
    return files[path]


def changed_files(course: Course, step: int) -> list[str]:
    """The files step `step` adds or changes (what its solution is made of)."""
    before, after = course.checkpoint(step - 1), course.checkpoint(step)
    return [path for path, data in after.items() if before.get(path) != data]


def solution_path(workspace: Path, step: int, path: str) -> Path:
    """Where `write_solution` puts the step's version of `path`."""
    return state_dir(workspace) / SOLUTIONS_DIR / f"step-{step:02d}" / path


def write_solution(course: Course, workspace: Path, step: int, path: str) -> Path:
    """Write the step's version of `path` beside the attendee's (never over it); its path."""
    from vibecode.atomic import atomic_write
    from vibecode.workspace.files import refuse_unsafe

    data = step_version(course, step, path)
    with workspace_lock(workspace):
        relative = f"{SOLUTIONS_DIR}/step-{step:02d}/{path}"
        refuse_unsafe(state_dir(workspace), [relative])
        target = solution_path(workspace, step, path)
        atomic_write(target, data)
    return target
