"""`.vibecode/server.json`: the workspace's server as its owner last saw it, for every reader.

Only `vibecode.serve.recorded.RecordedServer` writes it (the process that owns the server);
everyone else reads it here, or asks the owner for a restart through `request_restart`.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from vibecode.paths import state_dir

RECORD_FILE = "server.json"
RESTART_FILE = "server-restart.json"

UP, STARTING, WAITING, BROKEN = "up", "starting", "waiting", "broken"
"""What `ServerRecord.state` says: serving; starting; no app to serve yet; the app is broken."""


@dataclass(frozen=True)
class ServerRecord:
    """The workspace's server: where it listens, who owns it and how it is doing."""

    url: str
    pid: int | None
    """The uvicorn process (group leader); None while the owner waits for an app."""
    host: str
    port: int
    database: str
    tap: str
    log: str
    started_at: float
    step: int | None
    owner: int = 0
    """The `vibecode` process that supervises it (`serve`, the dashboard); 0: the same as pid."""
    state: str = UP
    problem: str | None = None
    """Why it is not up: the app's own error and file:line, a busy port..."""
    generation: int = 0
    """Counts the starts of uvicorn."""
    answered: str = ""
    """The id of the last restart request the owner carried out (`request_restart`)."""
    note: str = ""
    """What that restart did beyond restarting (the database copy it kept)."""

    @property
    def owner_pid(self) -> int:
        """The process that answers restart requests."""
        return self.owner or self.pid or 0

    @property
    def up(self) -> bool:
        """Whether the owner last saw the app serving."""
        return self.state == UP


def record_path(workspace: Path) -> Path:
    """Where the record lives."""
    return state_dir(workspace) / RECORD_FILE


def write_server(workspace: Path, record: ServerRecord) -> None:
    """Write the record atomically (readers never see half a file); for the owner only."""
    _write_json(record_path(workspace), asdict(record))


def read_server(workspace: Path) -> ServerRecord | None:
    """The workspace's server, or None when there is no record or its owner is gone."""
    try:
        data = json.loads(record_path(workspace).read_text(encoding="utf-8"))
        record = ServerRecord(**data)
    except (OSError, ValueError, TypeError):
        return None
    return record if pid_alive(record.owner_pid) else None


def remove_server(workspace: Path, *, owner: int | None = None) -> None:
    """Remove the record (only if this owner still holds it when `owner` is given)."""
    path = record_path(workspace)
    if owner is not None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            held_by = data.get("owner") or data.get("pid")
        except (OSError, ValueError, AttributeError):
            return
        if held_by != owner:
            return
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def request_restart(
    workspace: Path, *, by: str, request_id: str, rebuild_database: bool = False
) -> None:
    """Ask the owner of the workspace's server to restart it (it polls for this file)."""
    request = {
        "id": request_id, "by": by, "pid": os.getpid(), "at": time.time(),
        "rebuild": rebuild_database,
    }  # fmt: skip
    _write_json(state_dir(workspace) / RESTART_FILE, request)


def take_restart_request(workspace: Path) -> dict[str, object] | None:
    """The pending restart request, removed as it is read; None when there is none."""
    path = state_dir(workspace) / RESTART_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        data = {}
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    return data if isinstance(data, dict) else {}


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (zombies count as gone)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as file:
            return file.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    temporary.replace(path)
