"""What changes between two sets of files, as unified diffs: a step against the one before it."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from vibecode.course.manifest import Course

Status = Literal["added", "changed", "deleted"]


@dataclass(frozen=True)
class FileDiff:
    """One file that differs: its content before (None: absent) and after (None: deleted)."""

    path: str
    status: Status
    old: bytes | None
    new: bytes | None

    def unified(self, *, old_prefix: str = "a/", new_prefix: str = "b/") -> str:
        """This file's change as a unified diff, git style (`--- a/path`, `+++ b/path`)."""
        old_name = f"{old_prefix}{self.path}" if self.old is not None else "/dev/null"
        new_name = f"{new_prefix}{self.path}" if self.new is not None else "/dev/null"
        old_text, new_text = _text(self.old), _text(self.new)
        if old_text is None or new_text is None:
            return f"Binary files {old_name} and {new_name} differ\n"
        lines = difflib.unified_diff(
            old_text.splitlines(keepends=True),
            new_text.splitlines(keepends=True),
            fromfile=old_name,
            tofile=new_name,
        )
        text = "".join(
            line if line.endswith("\n") else f"{line}\n\\ No newline at end of file\n"
            for line in lines
        )
        # difflib says nothing about an empty file coming or going; git prints the headers.
        return text or f"--- {old_name}\n+++ {new_name}\n"

    @property
    def counts(self) -> tuple[int, int]:
        """Lines added and removed (0, 0 for binary files)."""
        added = removed = 0
        for line in self.unified().splitlines()[2:]:
            if line.startswith("+"):
                added += 1
            elif line.startswith("-"):
                removed += 1
        return added, removed


def diff_files(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> list[FileDiff]:
    """Every path whose content differs between two sets of files, sorted by path."""
    diffs = []
    for path in sorted(set(old) | set(new)):
        before, after = old.get(path), new.get(path)
        if before == after:
            continue
        status: Status = "added" if before is None else "deleted" if after is None else "changed"
        diffs.append(FileDiff(path, status, before, after))
    return diffs


def step_diff(course: Course, number: int) -> list[FileDiff]:
    """What step `number` changes against the step shown before it (in a track: all it skips)."""
    course.step(number)
    return diff_files(course.checkpoint(course.previous(number)), course.checkpoint(number))


def unified(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> str:
    """One unified diff of every file that differs between two sets of files."""
    return "".join(diff.unified() for diff in diff_files(old, new))


def _text(data: bytes | None) -> str | None:
    if data is None:
        return ""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None
