"""`.vibecode/server.json`: the running server, so demo, bench and the dashboard find it."""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from vibecode.paths import state_dir

RECORD_FILE = "server.json"


@dataclass(frozen=True)
class ServerRecord:
    """What `vibecode serve` writes while a server runs."""

    url: str
    pid: int
    host: str
    port: int
    database: str
    tap: str
    log: str
    started_at: float
    step: int | None


def record_path(workspace: Path) -> Path:
    """Where the record lives."""
    return state_dir(workspace) / RECORD_FILE


def write_server(workspace: Path, record: ServerRecord) -> None:
    """Write the record atomically (readers never see half a file)."""
    path = record_path(workspace)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(asdict(record), indent=2) + "\n", encoding="utf-8")
    temporary.replace(path)


def read_server(workspace: Path) -> ServerRecord | None:
    """The running server, or None when there is no record or its process is gone."""
    try:
        data = json.loads(record_path(workspace).read_text(encoding="utf-8"))
        record = ServerRecord(**data)
    except (OSError, ValueError, TypeError):
        return None
    return record if pid_alive(record.pid) else None


def remove_server(workspace: Path, *, pid: int | None = None) -> None:
    """Remove the record (only if it is still ours when `pid` is given)."""
    path = record_path(workspace)
    if pid is not None:
        try:
            if json.loads(path.read_text(encoding="utf-8")).get("pid") != pid:
                return
        except (OSError, ValueError, AttributeError):
            return
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


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
