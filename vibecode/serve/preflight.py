"""Checks before starting a server, each failing with one line that says what to do."""

from __future__ import annotations

import errno
import re
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from vibecode.errors import VibecodeError

IMPORT_TIMEOUT = 60.0
IMPORT_CHECK = "import app.main; app.main.app"
TRACEBACK_FILE = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)')
EXCEPTION_LINE = re.compile(r"^[\w.]*(Error|Exception|Exit|Interrupt)\b.*")


def check_port(host: str, port: int) -> None:
    """Raise when `host:port` cannot be bound, naming the process that holds it when known."""
    if port == 0:
        return
    with socket.socket(_family(host), socket.SOCK_STREAM) as probe:
        # uvicorn sets SO_REUSEADDR too: a port in TIME_WAIT is free for it.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                holder = port_holder(port)
                who = f" by {holder}" if holder else ""
                raise VibecodeError(
                    f"port {port} is already in use{who}",
                    hint=f"stop it, or pick another port: --port {port + 1}",
                ) from None
            if exc.errno == errno.EACCES:
                raise VibecodeError(
                    f"port {port} needs privileges", hint="use a port above 1024"
                ) from None
            raise VibecodeError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def port_holder(port: int) -> str | None:
    """`name (pid N)` of the process listening on `port`, if this user may see it."""
    import psutil

    try:
        connections = psutil.net_connections(kind="inet")
    except (psutil.AccessDenied, OSError):
        return None
    for connection in connections:
        if (
            connection.laddr
            and connection.laddr.port == port
            and connection.status == psutil.CONN_LISTEN
            and connection.pid
        ):
            try:
                name = psutil.Process(connection.pid).name()
            except psutil.Error:
                name = "a process"
            return f"{name} (pid {connection.pid})"
    return None


def free_port(host: str = "127.0.0.1") -> int:
    """A port the system says is free right now (bind to port 0)."""
    with socket.socket(_family(host), socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def check_app_imports(workspace: Path, environment: dict[str, str]) -> None:
    """Import the workspace's `app.main` in a subprocess; raise with the app's own error, short."""
    if not (workspace / "app" / "main.py").is_file():
        raise VibecodeError(
            f"{workspace} has no app/main.py to serve",
            hint="apply a step first: vibecode goto 1",
        )
    try:
        completed = subprocess.run(
            [sys.executable, "-c", IMPORT_CHECK],
            cwd=workspace,
            env=environment,
            capture_output=True,
            text=True,
            timeout=IMPORT_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise VibecodeError(
            f"importing the workspace app took longer than {IMPORT_TIMEOUT:.0f} s",
            hint="look for blocking work at import time in app/",
        ) from None
    if completed.returncode != 0:
        raise VibecodeError(
            f"the workspace app fails to import: {short_traceback(completed.stderr, workspace)}"
        )


def short_traceback(stderr: str, workspace: Path) -> str:
    """The last line of a traceback plus the `file:line` where it happened (workspace first)."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    if not lines:
        return "no error output"
    message = last_error_line(lines)
    locations = [match for line in lines if (match := TRACEBACK_FILE.match(line))]
    inside = [m for m in locations if _inside(Path(m["file"]), workspace)]
    candidates = inside or locations
    if not candidates:
        return message
    chosen = candidates[-1]
    path = Path(chosen["file"])
    shown = path.relative_to(workspace.resolve()) if _inside(path, workspace) else path
    return f"{message} ({shown}:{chosen['line']})"


def last_error_line(lines: list[str]) -> str:
    """The exception line of a traceback (`KeyError: 'x'`), skipping the footers libraries add."""
    stripped = [line.strip() for line in lines if line.strip()]
    errors = [line for line in stripped if EXCEPTION_LINE.match(line)]
    return (errors or stripped or ["no error output"])[-1]


def _inside(path: Path, workspace: Path) -> bool:
    try:
        path.resolve().relative_to(workspace.resolve())
    except ValueError:
        return False
    return True


def check_postgres(database_url: str, *, timeout: float = 2.0) -> None:
    """Raise when the PostgreSQL server in `database_url` does not accept connections."""
    parts = urlsplit(database_url)
    host = parts.hostname or "127.0.0.1"
    port = parts.port or 5432
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise VibecodeError(
            f"PostgreSQL is not reachable at {host}:{port} ({reason})",
            hint="start it, set DATABASE_URL, or serve on SQLite (--db sqlite)",
        ) from None
