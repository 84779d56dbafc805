"""Carry an attendee's changes across steps they skip: a three-way merge per file (merge3).

For each file they changed: base = the version the tool wrote (their step's checkpoint), theirs =
the workspace, other = the target step's version. A step that leaves the file alone keeps theirs
as it is; a clean merge is written (their version saved first); anything else is a conflict and
keeps the plain behaviour of a move: their version saved, the step's written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from vibecode.course.manifest import Course
from vibecode.workspace.files import read_in, sha256
from vibecode.workspace.state import WorkspaceState


@dataclass(frozen=True)
class MergePlan:
    """What `goto --merge` does with each file the attendee changed."""

    merged: dict[str, bytes] = field(default_factory=dict)
    """Path -> their changes merged into the target's version."""
    keep: set[str] = field(default_factory=set)
    """Paths the target step does not change: their version stays as it is."""
    conflicts: tuple[str, ...] = ()
    """Paths that cannot be merged: saved, then replaced by the step's version."""


def merge_texts(base: bytes, theirs: bytes, other: bytes) -> bytes | None:
    """The clean three-way merge of two changes to `base`, or None on a conflict or binary data."""
    import merge3

    if any(b"\0" in data for data in (base, theirs, other)):
        return None
    merger = merge3.Merge3(
        base.splitlines(keepends=True),
        theirs.splitlines(keepends=True),
        other.splitlines(keepends=True),
    )
    if any(group[0] == "conflict" for group in merger.merge_groups()):
        return None
    return b"".join(merger.merge_lines())


def plan_merges(
    course: Course, workspace: Path, state: WorkspaceState, target: Mapping[str, bytes]
) -> MergePlan:
    """Decide, file by file, how the attendee's changes travel to `target`."""
    base_files = course.checkpoint(state.step) if state.step <= course.last else {}
    plan = MergePlan()
    conflicts: list[str] = []
    for path in sorted(set(state.files) | set(target)):
        theirs = read_in(workspace, path)
        if theirs is None or sha256(theirs) in state.owned(path):
            continue  # absent, or exactly what the tool wrote: nothing of theirs to carry
        other = target.get(path)
        if other == theirs:
            continue
        base = base_files.get(path)
        if base is None or sha256(base) != state.files.get(path) or other is None:
            conflicts.append(path)  # their own file, or one the step deletes: no merge base
            continue
        if other == base:
            plan.keep.add(path)
            continue
        result = merge_texts(base, theirs, other)
        if result is None:
            conflicts.append(path)
        else:
            plan.merged[path] = result
    return MergePlan(plan.merged, plan.keep, tuple(conflicts))
