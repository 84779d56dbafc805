"""The tool's record of a workspace: `.vibecode/state.json`.

```
{"version": 2, "step": N, "files": {path: sha256}, "pending": null | {"step": N, "files": {...}},
 "reached": [N, ...], "passed": {"N": fingerprint}, "kept": {path: N}, "hints": {"N": shown}}
```

`files` holds the hash of every file the tool last wrote. `pending` is written before a step is
applied and cleared by the final write, so a run cut short leaves a record of both the files the
tool wrote before and the ones it was writing: the next command knows every version it owns.
`reached`: the steps the workspace has been at (the others were skipped); `passed`: the steps
whose tests passed, with the fingerprint of the files they passed on; `kept`: files of the
attendee's that the tool kept as the step's code (and since which step); `hints`: how many of a
step's hints were shown. Version 1 files (without the last four keys) are still read.

Nothing in this file is trusted: a value of the wrong type or size is a `CorruptState` error
with the command that rebuilds the workspace, never a traceback.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vibecode.atomic import atomic_write, fsync_dir
from vibecode.errors import VibecodeError
from vibecode.paths import is_workspace_path, state_dir

VERSION = 2
READABLE_VERSIONS = (1, 2)
STATE_FILE = "state.json"
MAX_STEP = 9999
MAX_BYTES = 16 << 20
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_KEYS = {"version", "step", "files", "pending", "reached", "passed", "kept", "hints"}


class StateMissing(VibecodeError):
    """The workspace (or its state file) does not exist."""


class CorruptState(VibecodeError):
    """The state file cannot be read or does not hold a valid state."""


@dataclass(frozen=True)
class Pending:
    """A step being applied: its number and the hashes of the files it writes."""

    step: int
    files: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class WorkspaceState:
    """Where a workspace is, what the tool wrote, and what the attendee has done so far."""

    step: int
    files: Mapping[str, str] = field(default_factory=dict)
    pending: Pending | None = None
    reached: frozenset[int] = frozenset()
    """Steps the workspace has been at; steps below `step` that are missing were skipped."""
    passed: Mapping[int, str] = field(default_factory=dict)
    """Step -> fingerprint of the workspace's files when that step's tests passed on them."""
    kept: Mapping[str, int] = field(default_factory=dict)
    """Path -> the step since which the attendee's own version of it is the step's code."""
    hints: Mapping[int, int] = field(default_factory=dict)
    """Step -> how many of its hints `vibecode hint` has shown."""

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
    return state_path(workspace).is_file() or state_path(workspace).is_symlink()


def load_state(workspace: Path) -> WorkspaceState:
    """Read and validate the state; missing or corrupt, an error that names the way out."""
    from vibecode.workspace.files import UnsafePath, read_file, refuse_linked_state

    path = state_path(workspace)
    if not workspace.is_dir():
        raise StateMissing(
            f"there is no workspace at {workspace}",
            hint="`vibecode goto 1` creates it, or pass --workspace",
        )
    try:
        refuse_linked_state(workspace)
        raw = read_file(path)
    except UnsafePath as error:
        raise _corrupt(workspace, error.message) from None
    except OSError as exc:
        raise _corrupt(workspace, exc.strerror or str(exc)) from None
    if raw is None:
        from vibecode.workspace.guard import adoption_hint

        raise StateMissing(
            f"{workspace} has no vibecode state: {path} is missing",
            hint=adoption_hint(workspace),
        )
    if len(raw) > MAX_BYTES:
        raise _corrupt(workspace, f"{len(raw)} bytes, far more than a state file holds")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _corrupt(workspace, f"not JSON: {exc}") from None
    except RecursionError:
        raise _corrupt(workspace, "not JSON: nested too deeply") from None
    return _parse(workspace, data)


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
        "reached": sorted(state.reached),
        "passed": {str(step): mark for step, mark in sorted(state.passed.items())},
        "kept": dict(sorted(state.kept.items())),
        "hints": {str(step): shown for step, shown in sorted(state.hints.items())},
    }
    path = state_path(workspace)
    write(path, (json.dumps(data, indent=1) + "\n").encode())
    fsync_dir(path.parent)


def _parse(workspace: Path, data: Any) -> WorkspaceState:
    if not isinstance(data, dict):
        raise _corrupt(workspace, "not a JSON object")
    version = data.get("version")
    if isinstance(version, bool) or version not in READABLE_VERSIONS:
        raise _corrupt(workspace, f"unknown version {_shown(version)} (expected {VERSION})")
    unknown = sorted(str(key) for key in set(data) - _KEYS)
    if unknown:
        raise _corrupt(workspace, f"unknown key {_shown(unknown[0])}")
    step = _step(workspace, data.get("step"), "step")
    pending = data.get("pending")
    if pending is not None and not isinstance(pending, dict):
        raise _corrupt(workspace, f"pending: expected an object, found {_shown(pending)}")
    reached = _steps(workspace, data.get("reached", None))
    return WorkspaceState(
        step=step,
        files=_hashes(workspace, data.get("files"), "files"),
        pending=None
        if pending is None
        else Pending(
            step=_step(workspace, pending.get("step"), "pending.step"),
            files=_hashes(workspace, pending.get("files"), "pending.files"),
        ),
        # A version 1 state knew nothing of skipped steps: every step up to its own was reached.
        reached=frozenset(range(step + 1)) if reached is None else reached,
        passed=_by_step(workspace, data.get("passed", {}), "passed", _SHA256.match),
        kept=_kept(workspace, data.get("kept", {})),
        hints=_by_step(workspace, data.get("hints", {}), "hints", _is_count),
    )


def _step(workspace: Path, value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_STEP:
        raise _corrupt(workspace, f"{key}: expected a step number, found {_shown(value)}")
    return value


def _steps(workspace: Path, value: Any) -> frozenset[int] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise _corrupt(workspace, "reached: expected a list of step numbers")
    return frozenset(_step(workspace, item, "reached") for item in value)


def _hashes(workspace: Path, value: Any, key: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _corrupt(workspace, f"{key}: expected an object of path -> sha256")
    for name, digest in value.items():
        if not is_workspace_path(name):
            raise _corrupt(workspace, f"{key}: {_shown(name)} is not a path inside the workspace")
        if not isinstance(digest, str) or not _SHA256.match(digest):
            raise _corrupt(workspace, f"{key}: {_shown(name)} has no valid sha256")
    return dict(value)


def _by_step(
    workspace: Path, value: Any, key: str, valid: Callable[[Any], object]
) -> dict[int, Any]:
    if not isinstance(value, dict):
        raise _corrupt(workspace, f"{key}: expected an object keyed by step number")
    result: dict[int, Any] = {}
    for raw, item in value.items():
        number = int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) <= 4 else -1
        if number < 0 or not (isinstance(item, str | int) and valid(item)):
            raise _corrupt(workspace, f"{key}: {_shown(raw)} -> {_shown(item)} is not valid")
        result[number] = item
    return result


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_STEP


def _kept(workspace: Path, value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        raise _corrupt(workspace, "kept: expected an object of path -> step")
    for name, step in value.items():
        if not is_workspace_path(name):
            raise _corrupt(workspace, f"kept: {_shown(name)} is not a path inside the workspace")
        _step(workspace, step, f"kept.{name}")
    return dict(value)


def _shown(value: Any) -> str:
    """A value from the file, short and printable, for an error message."""
    text = repr(value) if not isinstance(value, dict | list) else type(value).__name__
    return text if len(text) <= 60 else text[:57] + "..."


def _corrupt(workspace: Path, problem: str) -> CorruptState:
    from vibecode.workspace.guard import adoption_hint

    return CorruptState(
        f"{state_path(workspace)} is corrupt: {problem}", hint=adoption_hint(workspace)
    )
