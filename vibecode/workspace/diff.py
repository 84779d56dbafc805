"""A workspace against what the tool wrote: what the user changed, what is missing, what is new."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vibecode.workspace.files import UnsafePath, read_file, read_files, scan, sha256, unsafe_reason

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
    line_endings: tuple[str, ...] = ()
    """Changed files whose only change is their line endings (CRLF against LF)."""
    unreadable: tuple[tuple[str, str], ...] = ()
    """(path, why) for tracked paths that are links or special files: never read."""

    @property
    def clean(self) -> bool:
        """Nothing differs."""
        return not (self.changed or self.missing or self.new or self.unreadable)


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


def same_but_line_endings(old: bytes, new: bytes) -> bool:
    """Two contents that differ only in their line endings (CRLF, CR, LF)."""
    return old != new and _lf(old) == _lf(new)


def _lf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def local_changes(
    workspace: Path, state: WorkspaceState, *, written: Mapping[str, bytes] | None = None
) -> LocalChanges:
    """What the user changed since the tool wrote the files the state records.

    With `written` (the checkpoint the state was written from), changes that only turn line
    endings around are told apart.
    """
    changed, missing, line_endings, unreadable = [], [], [], []
    for path, digest in sorted(state.files.items()):
        reason = unsafe_reason(workspace, path)
        if reason is not None:
            unreadable.append((path, reason))
            continue
        try:
            current = read_file(workspace / path)
        except (UnsafePath, OSError) as error:
            unreadable.append((path, str(error)))
            continue
        if current is None:
            missing.append(path)
        elif sha256(current) != digest:
            changed.append(path)
            before = (written or {}).get(path)
            if before is not None and same_but_line_endings(before, current):
                line_endings.append(path)
    new = [path for path in scan(workspace) if path not in state.files]
    return LocalChanges(
        tuple(changed), tuple(missing), tuple(new), tuple(line_endings), tuple(unreadable)
    )


def workspace_diff(course: Course, workspace: Path, step: int) -> WorkspaceDiff:
    """The workspace's files against step `step`'s checkpoint (regular files only)."""
    from vibecode.course.diffs import diff_files  # difflib: only `diff` needs it

    on_disk = read_files(workspace)
    return WorkspaceDiff(step, tuple(diff_files(course.checkpoint(step), on_disk)))
