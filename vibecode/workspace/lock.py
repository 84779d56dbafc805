"""One lock per workspace, held by whatever changes it: a command, a dashboard key, a script.

The engine's mutating entry points (`apply.goto`, `move`, `reset`, `repair`, `advance`,
`saved.restore`, the state writes of `check` and `hint`, `solutions.write_solution`) take it
themselves, so every caller is covered. It is reentrant within a thread: a caller may hold it
across several engine calls (`with workspace_lock(ws): ...`). Another thread or process waits
up to `VIBECODE_LOCK_TIMEOUT` seconds (default 5), then gets a `WorkspaceBusy` that names the
holder. The lock is `filelock`'s (flock on `.vibecode/lock`); who holds it is written beside it in
`.vibecode/lock.json`, since the lock file itself is truncated by every waiter's open.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from vibecode.errors import VibecodeError
from vibecode.paths import state_dir

if TYPE_CHECKING:
    from filelock import FileLock

LOCK_FILE = "lock"
HOLDER_FILE = "lock.json"
DEFAULT_TIMEOUT = 5.0

_registry: dict[Path, FileLock] = {}
_registry_guard = threading.Lock()
_depth = threading.local()


class WorkspaceBusy(VibecodeError):
    """Another command holds the workspace lock longer than this one waits."""


def lock_timeout() -> float:
    """Seconds a command waits for the lock: `VIBECODE_LOCK_TIMEOUT`, else 5."""
    try:
        return max(0.0, float(os.environ.get("VIBECODE_LOCK_TIMEOUT", DEFAULT_TIMEOUT)))
    except ValueError:
        return DEFAULT_TIMEOUT


@contextlib.contextmanager
def workspace_lock(workspace: Path, *, timeout: float | None = None) -> Iterator[None]:
    """Hold the workspace's lock (creating the workspace's `.vibecode/` folder if needed)."""
    from filelock import Timeout

    from vibecode.workspace.files import refuse_linked_state

    refuse_linked_state(workspace)
    folder = state_dir(workspace)
    folder.mkdir(parents=True, exist_ok=True)
    lock = _lock_for(folder / LOCK_FILE)
    wait = lock_timeout() if timeout is None else timeout
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        raise WorkspaceBusy(
            f"{workspace} is busy: {_holder(folder)} is changing it",
            hint="wait for it to finish, then run the command again",
        ) from None
    depths: dict[Path, int] = _depths()
    depths[folder] = depths.get(folder, 0) + 1
    try:
        if depths[folder] == 1:
            _write_holder(folder)
        yield
    finally:
        depths[folder] -= 1
        if depths[folder] == 0:
            del depths[folder]
            with contextlib.suppress(OSError):
                (folder / HOLDER_FILE).unlink()
        lock.release()


def holds_lock(workspace: Path) -> bool:
    """Whether this thread holds the workspace's lock."""
    return state_dir(workspace) in _depths()


def _depths() -> dict[Path, int]:
    depths: dict[Path, int] | None = getattr(_depth, "folders", None)
    if depths is None:
        depths = _depth.folders = {}
    return depths


def _lock_for(path: Path) -> FileLock:
    """One lock object per lock file, so a thread that holds it can take it again."""
    from filelock import FileLock

    with _registry_guard:
        lock = _registry.get(path)
        if lock is None:
            lock = _registry[path] = FileLock(path, thread_local=True)
        return lock


def _write_holder(folder: Path) -> None:
    command = " ".join(["vibecode", *sys.argv[1:]]) if _is_cli() else " ".join(sys.argv) or "?"
    record = {"pid": os.getpid(), "command": command, "since": time.time()}
    with contextlib.suppress(OSError):
        # O_NOFOLLOW: a link planted at lock.json is never written through.
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW
        fd = os.open(folder / HOLDER_FILE, flags, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(record))


def _is_cli() -> bool:
    return bool(sys.argv) and Path(sys.argv[0]).name in ("vibecode", "__main__.py")


def _holder(folder: Path) -> str:
    """Who holds the lock, as one phrase: `vibecode next (pid 123, for 4 s)`."""
    from vibecode.workspace.files import UnsafePath, read_file

    try:
        raw = read_file(folder / HOLDER_FILE)
        record = json.loads(raw or b"{}")
    except (OSError, ValueError, RecursionError, UnsafePath):
        record = {}
    if not isinstance(record, dict):
        record = {}
    pid, command, since = record.get("pid"), record.get("command"), record.get("since")
    if not isinstance(pid, int) or isinstance(pid, bool) or not isinstance(command, str):
        return "another vibecode command"
    seconds = f", for {time.time() - since:.0f} s" if isinstance(since, int | float) else ""
    return f"`{command[:120]}` (pid {pid}{seconds})"
