"""Files in a workspace: atomic writes, hashes, and which paths the tool ignores."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterable, Sequence
from fnmatch import fnmatchcase
from pathlib import Path

from vibecode.paths import STATE_DIR

IGNORED_DIRS = frozenset({STATE_DIR, "__pycache__", ".pytest_cache"})
"""Folders the tool never looks into: its own state, and what running the app leaves behind."""
TEMPORARY_SUFFIX = ".vibecode-tmp"
IGNORED_NAMES = ("*.pyc", "*.db*", ".env", f".*{TEMPORARY_SUFFIX}")
"""File names the tool never reads, saves or reports: bytecode, SQLite databases, local secrets,
and its own temporary files (left behind only if the process is killed mid-write)."""


def sha256(data: bytes) -> str:
    """The hex SHA-256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def file_hash(path: Path) -> str | None:
    """The hex SHA-256 of a regular file, or None when there is no file there."""
    try:
        return sha256(path.read_bytes())
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def is_ignored(relative: str) -> bool:
    """Whether a workspace path (POSIX, relative) is outside what the tool manages."""
    *folders, name = relative.split("/")
    if any(folder in IGNORED_DIRS for folder in folders):
        return True
    return any(fnmatchcase(name, pattern) for pattern in IGNORED_NAMES)


def scan(workspace: Path) -> dict[str, Path]:
    """Every file in the workspace that the tool manages: workspace path -> file on disk."""
    found: dict[str, Path] = {}
    if not workspace.is_dir():
        return found
    for folder, dirs, names in os.walk(workspace):
        dirs[:] = sorted(d for d in dirs if d not in IGNORED_DIRS)
        base = Path(folder)
        for name in names:
            path = base / name
            if path.is_symlink() or not path.is_file():
                continue
            relative = path.relative_to(workspace).as_posix()
            if not is_ignored(relative):
                found[relative] = path
    return dict(sorted(found.items()))


def atomic_write(path: Path, data: bytes) -> None:
    """Write a file so that readers see the old content or the new one, never a mix.

    The bytes go to a temporary file in the same folder, which is flushed to disk and then
    renamed over the target (a rename within one file system is atomic).
    """
    import tempfile  # here, not at the top: `status` and `steps` never write

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates 0600 files; workspace files are ordinary source files.
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def atomic_write_many(items: Sequence[tuple[Path, bytes]]) -> None:
    """Write several files, each atomically: all are staged and flushed first, then renamed.

    The flushes run in parallel: the file system commits them together (49 files took 15-20 ms
    instead of 35-160 ms one after the other on this project's two-core machine). An
    interruption before the renames leaves every target as it was; during them, some targets
    have their new content and the others their old one, never a mix within a file.
    """
    import tempfile

    staged: list[tuple[str, Path]] = []
    descriptors: list[int] = []
    try:
        for path, data in items:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(
                dir=path.parent, prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX
            )
            descriptors.append(fd)
            staged.append((temporary, path))
            with memoryview(data) as view:
                while view:
                    view = view[os.write(fd, view) :]
            os.fchmod(fd, 0o644)
        if len(descriptors) > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=min(16, len(descriptors))) as pool:
                list(pool.map(os.fsync, descriptors))
        elif descriptors:
            os.fsync(descriptors[0])
        while descriptors:
            os.close(descriptors.pop())
        while staged:
            temporary, path = staged[0]
            os.replace(temporary, path)
            staged.pop(0)
    except BaseException:
        for fd in descriptors:
            with contextlib.suppress(OSError):
                os.close(fd)
        for temporary, _ in staged:
            Path(temporary).unlink(missing_ok=True)
        raise


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (the renames into it) to disk, where the platform allows it."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_empty_parents(workspace: Path, relatives: Iterable[str]) -> None:
    """Remove the folders of these workspace paths that became empty, up to the workspace."""
    for relative in sorted(relatives, key=lambda p: -p.count("/")):
        folder = (workspace / relative).parent
        while folder != workspace and workspace in folder.parents:
            if not _remove_if_empty(folder):
                break
            folder = folder.parent


def _remove_if_empty(folder: Path) -> bool:
    """Remove a folder holding nothing, or only bytecode caches (derived, never anyone's work)."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return False
    if not all(e.name == "__pycache__" and e.is_dir() and not e.is_symlink() for e in entries):
        return False
    import shutil

    try:
        for entry in entries:
            shutil.rmtree(entry)
        folder.rmdir()
    except OSError:
        return False
    return True


def is_workspace_path(raw: object) -> bool:
    """Whether a string is a relative path inside a workspace (the rule step manifests follow)."""
    # One rule for every path the tool reads from disk: steps, the state file, saved sets.
    from vibecode.course.manifest import _workspace_path
    from vibecode.errors import StepError

    if not isinstance(raw, str):
        return False
    try:
        return _workspace_path(Path(), raw, "") == raw
    except StepError:
        return False
