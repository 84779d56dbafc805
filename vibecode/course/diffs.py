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

    @property
    def line_endings_only(self) -> bool:
        """Both sides hold the same lines; only their endings (CRLF, LF) differ."""
        if self.old is None or self.new is None or self.old == self.new:
            return False
        return _lf(self.old) == _lf(self.new)

    @property
    def encoding_note(self) -> str:
        """Why a side is shown in another encoding than UTF-8 (empty when both are UTF-8)."""
        for side in (self.old, self.new):
            if side is not None and text_of(side) is not None and not _is_utf8(side):
                return "not UTF-8: shown as Latin-1"
        return ""

    def unified(
        self, *, old_prefix: str = "a/", new_prefix: str = "b/", exact: bool = False
    ) -> str:
        """This file's change as a unified diff, git style (`--- a/path`, `+++ b/path`).

        A change of line endings alone is said in one line, unless `exact` (a patch to apply).
        Text that is not UTF-8 but holds no NUL byte is shown as Latin-1, not as binary.
        """
        old_name = f"{old_prefix}{self.path}" if self.old is not None else "/dev/null"
        new_name = f"{new_prefix}{self.path}" if self.new is not None else "/dev/null"
        old_text, new_text = text_of(self.old), text_of(self.new)
        # A patch to apply says, git style, which files come and go (an empty one has no hunk).
        git = ""
        if exact:
            git = f"diff --git {old_prefix}{self.path} {new_prefix}{self.path}\n"
            if self.old is None:
                git += "new file mode 100644\n"
            elif self.new is None:
                git += "deleted file mode 100644\n"
        if old_text is None or new_text is None:
            return f"{git}Binary files {old_name} and {new_name} differ\n"
        if self.line_endings_only and not exact:
            return (
                f"--- {old_name}\n+++ {new_name}\n"
                f"Only the line endings differ: {_endings(self.old)} -> {_endings(self.new)}\n"
            )
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
        if not text:
            return git if git else f"--- {old_name}\n+++ {new_name}\n"
        return git + text

    @property
    def counts(self) -> tuple[int, int]:
        """Lines added and removed (0, 0 for binary files)."""
        added = removed = 0
        if self.line_endings_only:
            return 0, 0
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


def unified(old: Mapping[str, bytes], new: Mapping[str, bytes], *, exact: bool = False) -> str:
    """One unified diff of every file that differs between two sets of files."""
    return "".join(diff.unified(exact=exact) for diff in diff_files(old, new))


def text_of(data: bytes | None) -> str | None:
    """The text of a side: UTF-8, else Latin-1 when it looks like text (no NUL byte), else None."""
    if data is None:
        return ""
    if b"\0" in data[:8192]:  # git's test for binary content
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _lf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def _endings(data: bytes | None) -> str:
    data = data or b""
    crlf = data.count(b"\r\n")
    lf = data.count(b"\n") - crlf
    if crlf and lf:
        return "mixed CRLF and LF"
    return "CRLF" if crlf else "LF"
