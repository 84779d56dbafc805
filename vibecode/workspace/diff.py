"""A workspace against what the tool wrote: what the user changed, what is missing, what is new."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vibecode.workspace.files import file_hash, scan

if TYPE_CHECKING:
    from vibecode.course.diffs import FileDiff
    from vibecode.course.manifest import Course
    from vibecode.workspace.state import WorkspaceState


@dataclass(frozen=True)
class LocalChanges:
    """Files that differ from what the tool last wrote (from hashes alone: cheap, for `status`)."""

    changed: tuple[str, ...]
    missing: tuple[str, ...]
    new: tuple[str, ...]
    """Files the tool never wrote (the ignore rules apply)."""

    @property
    def clean(self) -> bool:
        """Nothing differs."""
        return not (self.changed or self.missing or self.new)


@dataclass(frozen=True)
class WorkspaceDiff:
    """The workspace against a checkpoint, file by file, with the content of both sides."""

    step: int
    files: tuple[FileDiff, ...]

    @property
    def changed(self) -> tuple[FileDiff, ...]:
        """Files in both whose content differs (old: the checkpoint, new: the workspace)."""
        return tuple(d for d in self.files if d.status == "changed")

    @property
    def missing(self) -> tuple[str, ...]:
        """Files of the checkpoint that are not in the workspace."""
        return tuple(d.path for d in self.files if d.status == "deleted")

    @property
    def extra(self) -> tuple[str, ...]:
        """Files in the workspace that the checkpoint does not have."""
        return tuple(d.path for d in self.files if d.status == "added")


def local_changes(workspace: Path, state: WorkspaceState) -> LocalChanges:
    """What the user changed since the tool wrote the files the state records."""
    changed, missing = [], []
    for path, digest in sorted(state.files.items()):
        current = file_hash(workspace / path)
        if current is None:
            missing.append(path)
        elif current != digest:
            changed.append(path)
    new = [path for path in scan(workspace) if path not in state.files]
    return LocalChanges(tuple(changed), tuple(missing), tuple(new))


def workspace_diff(course: Course, workspace: Path, step: int) -> WorkspaceDiff:
    """The workspace's files against step `step`'s checkpoint."""
    from vibecode.course.diffs import diff_files  # difflib: only `diff` needs it

    on_disk = {path: file.read_bytes() for path, file in scan(workspace).items()}
    return WorkspaceDiff(step, tuple(diff_files(course.checkpoint(step), on_disk)))
