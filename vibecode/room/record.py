"""What a workspace keeps about its room: `.vibecode/room.json` (the presenter's, with the
presenter token) or `.vibecode/joined.json` (an attendee's, with the attendee token).

Both hold a secret: written with mode 0600, never printed. Reading tolerates a missing or
broken file (None): a room is an extra, a bad record never breaks a workspace command.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from vibecode.paths import state_dir

HOSTED_FILE = "room.json"
JOINED_FILE = "joined.json"


@dataclass(frozen=True)
class HostedRoom:
    """The room this (presenter's) workspace runs."""

    url: str
    """Where the room answers, as the presenter's machine reaches it (http://127.0.0.1:PORT)."""
    join_url: str
    """The URL attendees join with (the host they reach, with --host 0.0.0.0)."""
    code: str
    token: str
    """The presenter token: reading names, publishing the presenter's step, closing."""
    database: str
    pid: int = 0


@dataclass(frozen=True)
class JoinedRoom:
    """The room this (attendee's) workspace reports to."""

    url: str
    token: str
    name: str
    attendee: int


def hosted_path(workspace: Path) -> Path:
    """`.vibecode/room.json`."""
    return state_dir(workspace) / HOSTED_FILE


def joined_path(workspace: Path) -> Path:
    """`.vibecode/joined.json`."""
    return state_dir(workspace) / JOINED_FILE


def _write_secret(path: Path, data: dict[str, Any]) -> None:
    """Replace `path` atomically with JSON readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    os.replace(temporary, path)


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_hosted(workspace: Path, room: HostedRoom) -> None:
    """Record the room the presenter runs."""
    _write_secret(hosted_path(workspace), asdict(room))


def read_hosted(workspace: Path) -> HostedRoom | None:
    """The room this workspace runs, or None."""
    data = _read(hosted_path(workspace))
    try:
        return HostedRoom(**data) if data else None
    except TypeError:
        return None


def write_joined(workspace: Path, room: JoinedRoom) -> None:
    """Record the room an attendee joined."""
    _write_secret(joined_path(workspace), asdict(room))


def read_joined(workspace: Path) -> JoinedRoom | None:
    """The room this workspace reports to, or None."""
    data = _read(joined_path(workspace))
    try:
        return JoinedRoom(**data) if data else None
    except TypeError:
        return None


def forget_joined(workspace: Path) -> bool:
    """Stop reporting (`vibecode leave`); False when no room was joined."""
    try:
        joined_path(workspace).unlink()
    except FileNotFoundError:
        return False
    return True
