"""The tool's record of a workspace: `.vibecode/state.json`.

`{"version": 1, "step": N, "files": {path: sha256}, "pending": null | {"step": N, "files": {...}}}`

`files` holds the hash of every file the tool last wrote. `pending` is written before a step is
applied and cleared by the final write, so a run cut short leaves a record of both the files the
tool wrote before and the ones it was writing: the next command knows every version it owns.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from vibecode.errors import VibecodeError
from vibecode.paths import state_dir
from vibecode.workspace.files import atomic_write, fsync_dir, is_workspace_path

VERSION = 1
STATE_FILE = "state.json"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_NO_FILES: Mapping[str, str] = MappingProxyType({})

# NamedTuples rather than frozen dataclasses, as in vibecode.course.manifest: `vibecode status`
# imports this module at start-up, and a NamedTuple class is ten times cheaper to create.


class Pending(NamedTuple):
    """A step being applied: its number and the hashes of the files it writes."""

    step: int
    files: Mapping[str, str] = _NO_FILES


class WorkspaceState(NamedTuple):
    """The current step, the hash of every file the tool wrote, and an unfinished apply, if any."""

    step: int
    files: Mapping[str, str] = _NO_FILES
    pending: Pending | None = None

    def owned(self, path: str) -> set[str]:
        """The hashes of `path` that the tool wrote: what it may replace without saving."""
        hashes = {self.files[path]} if path in self.files else set()
        if self.pending is not None and path in self.pending.files:
            hashes.add(self.pending.files[path])
        return hashes


def state_path(workspace: Path) -> Path:
    """Where a workspace's state file lives."""
    return state_dir(workspace) / STATE_FILE


def has_state(workspace: Path) -> bool:
    """Whether the workspace has a state file at all (valid or not)."""
    return state_path(workspace).exists()


def load_state(workspace: Path) -> WorkspaceState:
    """Read and validate the state; missing or corrupt, a `VibecodeError` with a way out."""
    path = state_path(workspace)
    if not workspace.is_dir():
        raise VibecodeError(
            f"there is no workspace at {workspace}",
            hint="`vibecode goto 1` creates it, or pass --workspace",
        )
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise VibecodeError(
            f"{workspace} has no vibecode state ({path} is missing)",
            hint="`vibecode reset --step N` adopts the folder at step N, saving your files first",
        ) from None
    except OSError as exc:
        raise _corrupt(path, exc.strerror or str(exc)) from None
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _corrupt(path, f"not JSON: {exc}") from None
    return _parse(path, data)


def save_state(
    workspace: Path, state: WorkspaceState, *, write: Callable[[Path, bytes], None] = atomic_write
) -> None:
    """Write the state atomically (temporary file, rename) and flush the folder."""
    data: dict[str, Any] = {
        "version": VERSION,
        "step": state.step,
        "files": dict(sorted(state.files.items())),
        "pending": None
        if state.pending is None
        else {"step": state.pending.step, "files": dict(sorted(state.pending.files.items()))},
    }
    path = state_path(workspace)
    write(path, (json.dumps(data, indent=1) + "\n").encode())
    fsync_dir(path.parent)


def _parse(path: Path, data: Any) -> WorkspaceState:
    if not isinstance(data, dict):
        raise _corrupt(path, "not a JSON object")
    if data.get("version") != VERSION:
        raise _corrupt(path, f"unknown version {data.get('version')!r} (expected {VERSION})")
    unknown = sorted(set(data) - {"version", "step", "files", "pending"})
    if unknown:
        raise _corrupt(path, f"unknown key {unknown[0]!r}")
    pending = data.get("pending")
    return WorkspaceState(
        step=_step(path, data.get("step"), "step"),
        files=_hashes(path, data.get("files"), "files"),
        pending=None
        if pending is None
        else Pending(
            step=_step(path, pending.get("step") if isinstance(pending, dict) else None, "pending"),
            files=_hashes(path, pending.get("files"), "pending.files"),
        ),
    )


def _step(path: Path, value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _corrupt(path, f"{key}: expected a step number, found {value!r}")
    return value


def _hashes(path: Path, value: Any, key: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _corrupt(path, f"{key}: expected an object of path -> sha256")
    for name, digest in value.items():
        if not is_workspace_path(name):
            raise _corrupt(path, f"{key}: {name!r} is not a path inside the workspace")
        if not isinstance(digest, str) or not _SHA256.match(digest):
            raise _corrupt(path, f"{key}: {name!r} has no valid sha256")
    return dict(value)


def _corrupt(path: Path, problem: str) -> VibecodeError:
    return VibecodeError(
        f"{path} is corrupt: {problem}",
        hint="`vibecode reset --step N` rebuilds the workspace at step N, saving your files first",
    )
