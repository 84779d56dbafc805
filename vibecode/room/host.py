"""The presenter's side: open the room (a store, a record, uvicorn), close it, read it."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vibecode.errors import VibecodeError
from vibecode.room.record import HostedRoom, read_hosted, write_hosted

ROOM_DB_FILE = "room.db"
POSTGRES_ROOM_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""Join codes avoid 0/O and 1/I: they are read off a projector and typed."""
CODE_LENGTH = 6


@dataclass(frozen=True)
class RoomOptions:
    """How `vibecode room` runs."""

    host: str = "127.0.0.1"
    port: int = 8800
    db: str = "sqlite"
    database_url: str | None = None
    workers: int = 1
    stuck_minutes: float = 5.0
    new: bool = False


def new_code() -> str:
    """A short join code, random."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def database_url(workspace: Path, options: RoomOptions) -> str:
    """Where the room keeps its state: the workspace's `.vibecode/room.db`, or PostgreSQL."""
    if options.database_url:
        return options.database_url
    if options.db == "postgres":
        return os.environ.get("VIBECODE_ROOM_DATABASE_URL") or POSTGRES_ROOM_URL
    return f"sqlite+aiosqlite:///{workspace / '.vibecode' / ROOM_DB_FILE}"


def join_address(host: str) -> str:
    """The address attendees reach: this machine's LAN address when the room listens on all."""
    if host not in ("0.0.0.0", "::", ""):
        return host
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        # A UDP connect sends nothing: it only asks the kernel which interface would route.
        probe.connect(("10.255.255.255", 1))
        return str(probe.getsockname()[0])
    except OSError:
        return socket.gethostbyname(socket.gethostname())
    finally:
        probe.close()


def prepare(workspace: Path, options: RoomOptions) -> HostedRoom:
    """Create (or reopen) the room's state and record it in the presenter's workspace."""
    from vibecode.room.store import RoomStore
    from vibecode.workspace.state import load_state

    load_state(workspace)  # the presenter's workspace: the room follows its step
    if options.workers > 1 and options.db != "postgres" and not options.database_url:
        raise VibecodeError("several workers need PostgreSQL", hint="add `--db postgres`")
    recorded = read_hosted(workspace)
    if recorded is not None and _answers(recorded.url):
        raise VibecodeError(
            f"this workspace's room already runs at {recorded.join_url}",
            hint="Ctrl-C in its terminal stops it",
        )
    _port_free(options.host, options.port)
    url = database_url(workspace, options)
    previous = None if options.new else recorded

    async def make() -> tuple[str, str]:
        """The room's code and presenter token: the recorded room's when the database still
        holds it (its attendees' tokens keep working after a restart), else a fresh room."""
        store = RoomStore(url)
        try:
            if previous is not None and await store.reopen(
                code=previous.code,
                presenter_token=previous.token,
                stuck_minutes=options.stuck_minutes,
            ):
                return previous.code, previous.token
            code, token = new_code(), secrets.token_urlsafe(32)
            await store.create(
                code=code, presenter_token=token, stuck_minutes=options.stuck_minutes
            )
            return code, token
        finally:
            await store.dispose()

    try:
        code, token = asyncio.run(make())
    except OSError as error:
        raise VibecodeError(f"the room's database is unreachable: {error}") from None
    except Exception as error:  # SQLAlchemy's and the drivers' errors: one line
        first = (str(error).splitlines() or [type(error).__name__])[0]
        raise VibecodeError(f"the room's database failed: {first}") from None
    room = HostedRoom(
        url=f"http://{_loopback(options.host)}:{options.port}",
        join_url=f"http://{join_address(options.host)}:{options.port}",
        code=code,
        token=token,
        database="postgres" if url.startswith("postgres") else "sqlite",
        pid=os.getpid(),
    )
    write_hosted(workspace, room)
    return room


def serve(workspace: Path, options: RoomOptions, room: HostedRoom) -> None:
    """Run the room under uvicorn until Ctrl-C (its workers read their settings from the env)."""
    import uvicorn

    from vibecode.room import service

    os.environ[service.ENV_DATABASE] = database_url(workspace, options)
    os.environ[service.ENV_WORKSPACE] = str(workspace)
    uvicorn.run(
        "vibecode.room.service:app_from_environment",
        factory=True,
        host=options.host,
        port=options.port,
        workers=options.workers,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=2,
    )


def hosted(workspace: Path) -> HostedRoom:
    """The room this workspace hosts, or an error that says how to open one."""
    room = read_hosted(workspace)
    if room is None:
        raise VibecodeError(
            "this workspace hosts no room",
            hint="`vibecode room` in the presenter's workspace opens one",
        )
    return room


def close(workspace: Path) -> HostedRoom:
    """Refuse joins from now on."""
    from vibecode.room.client import call

    room = hosted(workspace)
    call(room.url, "POST", "/api/close", token=room.token, timeout=5.0)
    return room


def state(workspace: Path) -> dict[str, Any]:
    """The room's whole state, names included (the presenter token reads it)."""
    from vibecode.room.client import call

    room = hosted(workspace)
    answer: dict[str, Any] = call(room.url, "GET", "/api/room", token=room.token, timeout=5.0)
    return answer


def _answers(url: str) -> bool:
    from vibecode.room.client import call

    try:
        call(url, "GET", "/health", timeout=0.5)
    except VibecodeError:
        return False
    return True


def _loopback(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


def _port_free(host: str, port: int) -> None:
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        probe.bind((host, port))
    except OSError:
        raise VibecodeError(
            f"port {port} on {host} is taken", hint="pick another with `--port N`"
        ) from None
    finally:
        probe.close()
