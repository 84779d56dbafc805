"""`ServerProcess`: the workspace's app on uvicorn in a child process group we always clean up."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from vibecode.errors import VibecodeError
from vibecode.paths import state_dir
from vibecode.serve import migrations, preflight
from vibecode.serve.environment import app_environment, database_kind, sqlite_url
from vibecode.serve.runner import TAP_ENV
from vibecode.tap.channel import ensure_tap_dir, tap_dir_for

LOG_FILE = "server.log"
READY_PATHS = ("/health", "/openapi.json")
STOP_TIMEOUT = 5.0

Spawn = Callable[..., "subprocess.Popen[bytes]"]


def refuse_reload_with_workers(*, reload: bool, workers: int) -> None:
    """uvicorn's reloader runs one worker: say so before anything starts."""
    if workers > 1 and reload:
        raise VibecodeError("uvicorn cannot reload with several workers", hint="add --no-reload")


class ServerProcess:
    """The workspace's app served by uvicorn in its own process group; a context manager."""

    def __init__(
        self,
        workspace: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        database_url: str | None = None,
        reload: bool = True,
        workers: int = 1,
        tap: bool = True,
        access_log: bool = True,
        migrate: bool = True,
        log_path: Path | None = None,
        spawn: Spawn = subprocess.Popen,
    ) -> None:
        refuse_reload_with_workers(reload=reload, workers=workers)
        self.workspace = workspace.resolve()
        self.host = host
        self.port = port
        self.database_url = database_url or sqlite_url(self.workspace)
        self.reload = reload
        self.workers = workers
        self.tap_dir = tap_dir_for(self.workspace) if tap else None
        self.access_log = access_log
        self.migrate = migrate
        self.log_path = log_path or state_dir(self.workspace) / LOG_FILE
        self.migration: migrations.MigrationResult | None = None
        self._spawn = spawn
        self._process: subprocess.Popen[bytes] | None = None
        self._ready = False

    @property
    def url(self) -> str:
        """The base URL clients on this machine use."""
        host = {"0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(self.host, self.host)
        return f"http://{host}:{self.port}"

    @property
    def database(self) -> str:
        """`sqlite` or `postgres`."""
        return database_kind(self.database_url)

    @property
    def pid(self) -> int | None:
        """The child's process id (the leader of its process group)."""
        return self._process.pid if self._process else None

    @property
    def running(self) -> bool:
        """Whether the child process is alive."""
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        """Pre-flight (port, database, app import, migrations), then spawn uvicorn."""
        if self._process is not None:
            return
        if self.port == 0:
            self.port = preflight.free_port(self.host)
        preflight.check_port(self.host, self.port)
        if self.database == "postgres":
            preflight.check_postgres(self.database_url)
        environment = app_environment(self.workspace, database_url=self.database_url)
        preflight.check_app_imports(self.workspace, environment)
        if self.migrate:
            self.migration = migrations.upgrade(self.workspace, database_url=self.database_url)
        if self.tap_dir is not None:
            environment[TAP_ENV] = str(ensure_tap_dir(self.tap_dir))
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self._process = self._spawn(
                self._command(),
                cwd=self.workspace,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Its own session: Ctrl-C in the terminal reaches us, not uvicorn, and we stop
                # the whole group (reloader, workers) in one signal.
                start_new_session=True,
            )

    def _command(self) -> list[str]:
        command = [sys.executable, "-m", "vibecode.serve.runner"]
        command += ["--host", self.host, "--port", str(self.port), "--workers", str(self.workers)]
        command += ["--parent-pid", str(os.getpid())]
        if self.reload:
            command.append("--reload")
        if not self.access_log:
            command.append("--no-access-log")
        return command

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Poll `/health` (or `/openapi.json` before /health exists) until it answers 200."""
        if self._ready:
            return
        if self._process is None:
            raise VibecodeError("the server was not started")
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if not self.running:
                raise VibecodeError(f"the server stopped: {self.last_problem()}")
            for path in READY_PATHS:
                status = _probe(self.url + path)
                if status == 200:
                    self._ready = True
                    return
                if status is not None:
                    last = f"{path} answered {status}"
                if status != 404:
                    break
            time.sleep(0.1)
        raise VibecodeError(
            f"the server did not become ready within {timeout:.0f} s ({last})",
            hint=f"see {self.log_path}",
        )

    def last_problem(self) -> str:
        """The most telling line of the log: the last exception line, or the last line."""
        return preflight.last_error_line(self.log_tail(40))

    def log_tail(self, n: int = 20) -> list[str]:
        """The last `n` lines of the server's log."""
        from vibecode.serve.log import tail

        return tail(self.log_path, n)

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Stop the whole process group: SIGTERM, then SIGKILL after `timeout` seconds."""
        process, self._process = self._process, None
        self._ready = False
        if process is None:
            return
        group = process.pid
        _signal_group(group, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=timeout)
        while group_alive(group) and time.monotonic() < deadline:
            time.sleep(0.05)
        _signal_group(group, signal.SIGKILL)
        process.wait()

    def __enter__(self) -> ServerProcess:
        try:
            self.start()
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _probe(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2.0) as response:
            status: int = response.status
            return status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (OSError, ValueError):
        return None


def _signal_group(group: int, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signum)


def group_alive(group: int) -> bool:
    """Whether a process group still has a live (non-zombie) member."""
    proc = Path("/proc")
    if not proc.is_dir():
        try:
            os.killpg(group, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        # Fields after the command: state, ppid, pgrp, ...
        if int(fields[2]) == group and fields[0] != "Z":
            return True
    return False
