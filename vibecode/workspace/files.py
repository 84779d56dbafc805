"""Files in a workspace: hashes, which paths the tool ignores, and the rule that it only ever
reads, writes and deletes regular files reached without going through a link."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterable
from fnmatch import fnmatchcase
from pathlib import Path

from vibecode.atomic import TEMPORARY_SUFFIX
from vibecode.errors import VibecodeError
from vibecode.paths import STATE_DIR

IGNORED_DIRS = frozenset(
    {STATE_DIR, "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis"}
    | {".git", ".hg", ".svn", ".venv", "venv", "node_modules", ".tox", ".nox", ".idea"}
    | {".vscode"}
)
"""Folders the tool never looks into: its own state, what running the app and its tools leave
behind, version control, virtual environments and editors' folders."""
IGNORED_NAMES = ("*.pyc", "*.db*", ".env", f".*{TEMPORARY_SUFFIX}", ".DS_Store")
"""File names the tool never reads, saves or reports: bytecode, SQLite databases, local secrets,
and its own temporary files (left behind only if the process is killed mid-write)."""


class UnsafePath(VibecodeError):
    """A path the tool will not read, write or delete: a link on the way, or not a regular file."""


def sha256(data: bytes) -> str:
    """The hex SHA-256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def read_file(path: Path) -> bytes | None:
    """The bytes of a regular file, None when no file is there; `UnsafePath` for anything else.

    The file is opened without following a link and without blocking (a FIFO would wait for a
    writer forever), and read only when it is a regular file (a link to /dev/zero never ends).
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise UnsafePath(
                f"{path} is a link: the tool never reads through links",
                hint="move the link away and run the command again",
            ) from None
        raise
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            return None  # a folder is no file: the callers that care say so themselves
        if not stat.S_ISREG(info.st_mode):
            raise UnsafePath(
                f"{path} is {_kind(info.st_mode)}, not a regular file: the tool never reads it",
                hint="move it away and run the command again",
            )
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def file_hash(path: Path) -> str | None:
    """The hex SHA-256 of a regular file, None when there is no file there (see `read_file`)."""
    data = read_file(path)
    return None if data is None else sha256(data)


def read_in(workspace: Path, relative: str) -> bytes | None:
    """`read_file` for a workspace path, refusing one that goes through a link on the way."""
    reason = unsafe_reason(workspace, relative)
    if reason is not None:
        raise UnsafePath(f"{workspace}: {reason}", hint="move it away and run the command again")
    return read_file(workspace / relative)


def unsafe_reason(workspace: Path, relative: str) -> str | None:
    """Why the tool must not go to `relative`: a link on the way or at the end, a special file.

    None when the path is a regular file, a folder, or absent, reached through real folders.
    """
    parts = relative.split("/")
    current = workspace
    for index, part in enumerate(parts):
        current = current / part
        try:
            info = os.lstat(current)
        except (FileNotFoundError, NotADirectoryError):
            return None
        shown = "/".join(parts[: index + 1])
        if stat.S_ISLNK(info.st_mode):
            try:
                where = os.readlink(current)
            except OSError:
                where = "?"
            return f"{shown} is a link (to {where}): the tool never goes through links"
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
            return f"{shown} is {_kind(info.st_mode)}, not a regular file"
    return None


def refuse_unsafe(workspace: Path, relatives: Iterable[str]) -> None:
    """Raise `UnsafePath` for the first of these paths the tool must not touch."""
    for relative in sorted(relatives):
        reason = unsafe_reason(workspace, relative)
        if reason is not None:
            raise UnsafePath(
                f"{workspace}: {reason}",
                hint="move it away, or replace the link with a real folder, and run again",
            )


def refuse_linked_state(workspace: Path) -> None:
    """The tool's own folder must be a real folder inside the workspace, not a link out of it."""
    state = workspace / STATE_DIR
    if state.is_symlink():
        raise UnsafePath(
            f"{state} is a link: the tool keeps its state only in a real folder",
            hint=f"remove the link with `rm {state}` and run the command again",
        )


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISLNK(mode):
        return "a link"
    return "a special file"


def is_ignored(relative: str) -> bool:
    """Whether a workspace path (POSIX, relative) is outside what the tool manages."""
    *folders, name = relative.split("/")
    if any(folder in IGNORED_DIRS for folder in folders):
        return True
    return any(fnmatchcase(name, pattern) for pattern in IGNORED_NAMES)


def scan(workspace: Path) -> dict[str, Path]:
    """Every regular file the tool manages in the workspace: workspace path -> file on disk.

    Links (to files or folders) and special files are never followed nor listed.
    """
    found: dict[str, Path] = {}
    if not workspace.is_dir():
        return found
    for folder, dirs, names in os.walk(workspace):
        dirs[:] = sorted(d for d in dirs if d not in IGNORED_DIRS)
        base = Path(folder)
        for name in names:
            path = base / name
            try:
                if not stat.S_ISREG(os.lstat(path).st_mode):
                    continue
            except OSError:
                continue
            relative = path.relative_to(workspace).as_posix()
            if not is_ignored(relative):
                found[relative] = path
    return dict(sorted(found.items()))


def read_files(workspace: Path) -> dict[str, bytes]:
    """The workspace's managed files with their content; a file that turned into a link or
    special file, or vanished, since the scan is left out."""
    found: dict[str, bytes] = {}
    for path, file in scan(workspace).items():
        try:
            data = read_file(file)
        except (UnsafePath, OSError):
            continue
        if data is not None:
            found[path] = data
    return found


def remove_empty_parents(workspace: Path, relatives: Iterable[str]) -> None:
    """Remove the folders of these workspace paths that became empty, up to the workspace."""
    for relative in sorted(relatives, key=lambda p: -p.count("/")):
        folder = (workspace / relative).parent
        while folder != workspace and workspace in folder.parents:
            if not _remove_if_empty(folder):
                break
            folder = folder.parent


def _remove_if_empty(folder: Path) -> bool:
    """Remove a folder holding nothing, or only bytecode caches (derived, never anyone's work).

    A `__pycache__` folder counts as a cache only while it holds nothing but `.pyc` files: a
    file of the user's in it keeps the folder, and its parents, where they are.
    """
    try:
        entries = list(folder.iterdir())
        caches = [entry for entry in entries if _is_bytecode_cache(entry)]
    except OSError:
        return False
    if len(caches) != len(entries):
        return False
    try:
        for cache in caches:
            for compiled in cache.iterdir():
                compiled.unlink()
            cache.rmdir()
        folder.rmdir()
    except OSError:
        return False
    return True


def _is_bytecode_cache(entry: Path) -> bool:
    if entry.name != "__pycache__" or entry.is_symlink() or not entry.is_dir():
        return False
    return all(
        item.suffix == ".pyc" and not item.is_symlink() and item.is_file()
        for item in entry.iterdir()
    )
