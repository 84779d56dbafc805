"""Tidying the tap folders under /tmp: one per served workspace, gone when nobody uses it.

A folder is in use while a live reader (`<name>-<pid>.sock`, see `channel.TapReader`) is in it.
The server sends to whatever readers the folder holds, so removing an unused folder while a
server runs costs nothing: the next reader creates it again.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import time
from pathlib import Path

from vibecode.tap.channel import SOCKET_SUFFIX, TAP_ROOT

PREFIX = "vibecode-tap-"
STALE_AFTER_S = 3600.0
"""A sweep leaves folders touched within the last hour alone (one may be starting up)."""


def remove_if_unused(tap_dir: Path | None, *, older_than: float | None = None) -> bool:
    """Remove a tap folder of ours that no live reader uses; True when it is gone.

    `older_than` (seconds): only when the folder has not changed for that long.
    """
    if tap_dir is None:
        return False
    try:
        info = tap_dir.lstat()
    except FileNotFoundError:
        return True
    if info.st_uid != os.getuid() or not stat.S_ISDIR(info.st_mode):
        return False
    if older_than is not None and time.time() - info.st_mtime < older_than:
        return False
    if any(_reader_alive(entry) for entry in _entries(tap_dir)):
        return False
    shutil.rmtree(tap_dir, ignore_errors=True)
    return not tap_dir.exists()


def sweep_stale(root: Path = TAP_ROOT, *, older_than: float = STALE_AFTER_S) -> int:
    """Remove every unused tap folder of this user under `root` left for an hour; how many."""
    removed = 0
    with contextlib.suppress(OSError), os.scandir(root) as entries:
        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith(PREFIX) and remove_if_unused(path, older_than=older_than):
                removed += 1
    return removed


def _entries(tap_dir: Path) -> list[Path]:
    try:
        return list(tap_dir.iterdir())
    except OSError:
        return []


def _reader_alive(path: Path) -> bool:
    """A reader socket whose process still runs (anything unexpected counts as in use)."""
    if not path.name.endswith(SOCKET_SUFFIX):
        return True
    pid = path.name.removesuffix(SOCKET_SUFFIX).rpartition("-")[2]
    if not pid.isdigit():
        return True
    from vibecode.serve.record import pid_alive

    return pid_alive(int(pid))
