"""Atomic file writes: readers see a file's old content or its new one, never a mix.

Used by the workspace engine and by the course's manifest cache, so it sits below both.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path

TEMPORARY_SUFFIX = ".vibecode-tmp"
"""The suffix of the tool's temporary files (left behind only if the process is killed)."""


def atomic_write(path: Path, data: bytes) -> None:
    """Write a file atomically: a flushed temporary file in the same folder, renamed over it.

    A failure names `path`, never the temporary file the user has never heard of.
    """
    atomic_write_many([(path, data)])


def atomic_write_many(items: Sequence[tuple[Path, bytes]]) -> None:
    """Write several files, each atomically: all are staged and flushed first, then renamed.

    The flushes run in parallel: the file system commits them together (49 files took 15-20 ms
    instead of 35-160 ms one after the other on this project's two-core machine). An
    interruption before the renames leaves every target as it was; during them, some targets
    have their new content and the others their old one, never a mix within a file.
    """
    import tempfile  # here, not at the top: `status` and `steps` never write

    staged: list[tuple[str, Path]] = []
    descriptors: list[int] = []
    current = Path()
    try:
        for path, data in items:
            current = path
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(
                dir=path.parent, prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX
            )
            descriptors.append(fd)
            staged.append((temporary, path))
            with memoryview(data) as view:
                while view:
                    view = view[os.write(fd, view) :]
            # mkstemp creates 0600 files; workspace files are ordinary source files.
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
            temporary, current = staged[0]
            os.replace(temporary, current)
            staged.pop(0)
    except OSError as error:
        _clean_up(descriptors, staged)
        # The user's file, not the temporary one, is what the message must name.
        raise OSError(error.errno, error.strerror, str(current)) from None
    except BaseException:
        _clean_up(descriptors, staged)
        raise


def _clean_up(descriptors: list[int], staged: list[tuple[str, Path]]) -> None:
    for fd in descriptors:
        with contextlib.suppress(OSError):
            os.close(fd)
    for temporary, _ in staged:
        Path(temporary).unlink(missing_ok=True)


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
