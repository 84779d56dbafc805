"""The workspace's server and its record: the one object that starts, readies, restarts and stops
it, and the questions every other part asks about it.

`RecordedServer` runs in the process that owns the server (`vibecode serve`, or the dashboard
when it starts one): it starts uvicorn (`ServerProcess`), waits until it answers, writes
`.vibecode/server.json` and supervises it in a thread. The supervisor survives any step change:
with no `app/main.py` (step 0) it stops uvicorn and waits; when a step with an app lands it
starts it; a replaced `app/` folder or a changed `.env` restarts it; a broken app is recorded
with its own error and retried when the files change; a restart request from another process
(`restart`) is answered. Other parts ask `find`, `restart`, `ensure_answering`, or borrow a
short-lived unrecorded server with `temporary`.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from vibecode.errors import VibecodeError
from vibecode.paths import state_dir
from vibecode.serve import migrations, preflight, record
from vibecode.serve.environment import database_kind, sqlite_url
from vibecode.serve.log import import_problem, tail
from vibecode.serve.record import BROKEN, STARTING, UP, WAITING, ServerRecord
from vibecode.serve.server import LOG_FILE, ServerProcess, Spawn, refuse_reload_with_workers
from vibecode.serve.watcher import StepWatcher, current_step
from vibecode.tap.channel import tap_dir_for
from vibecode.tap.folders import remove_if_unused, sweep_stale

READY_TIMEOUT = 60.0
SUPERVISE_INTERVAL = 0.2
RESTART_TIMEOUT = 60.0
ANSWER_TIMEOUT = 2.0
"""How long `ensure_answering` gives a server that the record does not already call broken."""
LOG_SCAN_LINES = 60


@dataclass(frozen=True)
class ServerEvent:
    """Something the supervisor did or saw, for the owner to show (serve prints them)."""

    kind: str
    """`started`, `waiting`, `broken`, `restarted`, `step`, `migration`, `stopped`."""
    message: str
    step: int | None = None
    migration: migrations.MigrationResult | None = None
    in_log: bool = False
    """The server's log already shows it (serve's echo prints the app's error from there)."""


Listener = Callable[[ServerEvent], None]


class RecordedServer:
    """The workspace's recorded server, owned by this process; a context manager."""

    def __init__(
        self,
        workspace: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        database_url: str | None = None,
        reload: bool = True,
        workers: int = 1,
        on_event: Listener | None = None,
        spawn: Spawn | None = None,
        interval: float = SUPERVISE_INTERVAL,
    ) -> None:
        refuse_reload_with_workers(reload=reload, workers=workers)
        self.workspace = workspace.resolve()
        self.host = host
        self.port = port
        self.database_url = database_url or sqlite_url(self.workspace)
        self.reload = reload
        self.workers = workers
        self.log_path = state_dir(self.workspace) / LOG_FILE
        self.tap_dir = tap_dir_for(self.workspace)
        self.on_event = on_event or (lambda event: None)
        self.interval = interval
        self._spawn = spawn
        self._process: ServerProcess | None = None
        self._lock = threading.RLock()
        self._closing = threading.Event()
        self._thread: threading.Thread | None = None
        self._record: ServerRecord | None = None
        self._identity: tuple[object, object] = (None, None)
        self._seen: tuple[object, ...] | None = None
        """What the app's files looked like when it last started or failed (retry on change)."""
        self._watcher = StepWatcher(
            self.workspace, migrate=self._migrate_for_step, on_change=self._step_changed
        )

    # What the owner asks ---------------------------------------------------------------------

    @property
    def record(self) -> ServerRecord | None:
        """The record as this owner last wrote it."""
        return self._record

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
    def running(self) -> bool:
        """Whether uvicorn runs (the app in it may still be broken)."""
        process = self._process
        return process is not None and process.running

    def start(self, *, wait_for_app: bool = True, timeout: float = READY_TIMEOUT) -> None:
        """Start the server (or wait for a step with an app), record it, supervise it.

        Raises when another process already serves the workspace, or when the first start
        fails (the port is busy, the app does not import): nothing is left running then.
        """
        existing = record.read_server(self.workspace)
        if existing is not None and existing.owner_pid != os.getpid():
            raise VibecodeError(
                f"a server for this workspace is already running at {existing.url} "
                f"(pid {existing.owner_pid})",
                hint="stop it first: Ctrl-C in its terminal",
            )
        sweep_stale()
        record.take_restart_request(self.workspace)  # one left for an earlier owner is stale
        if self.port == 0:
            self.port = preflight.free_port(self.host)  # one port for every restart
        with contextlib.suppress(FileNotFoundError):
            self.log_path.unlink()  # this session's log starts empty; restarts append
        with self._lock:
            try:
                if _has_app(self.workspace):
                    self._launch(timeout, reason="started")
                elif not wait_for_app:
                    raise VibecodeError(
                        f"{self.workspace} has no app/main.py to serve",
                        hint="apply a step first: vibecode goto 1",
                    )
                else:
                    preflight.check_port(self.host, self.port)  # say it now, not at step 1
                    self._wait_for_app()
            except BaseException:
                record.remove_server(self.workspace, owner=os.getpid())
                self._record = None
                raise
        self._thread = threading.Thread(
            target=self._supervise, name="vibecode-server-supervisor", daemon=True
        )
        self._thread.start()

    def restart(self, *, reason: str = "restarted", rebuild_database: bool = False) -> ServerRecord:
        """Stop uvicorn and start it again (migrations, readiness); the record says how it went.

        `rebuild_database`: between the stop and the start, the database is emptied (SQLite's
        file moved aside, as going back a step does) and the migrations rebuild it.
        """
        with self._lock:
            self._stop_process()
            note = (
                rebuild_database_of(self.workspace, self.database_url) if rebuild_database else ""
            )
            self._write(note=note)
            if _has_app(self.workspace):
                self._try_launch(reason)
            else:
                self._wait_for_app()
            assert self._record is not None
            return self._record

    def stop(self) -> None:
        """Stop supervising and the server; remove the record and the unused tap folder."""
        self._closing.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=10.0)
        with self._lock:
            self._stop_process()
            record.remove_server(self.workspace, owner=os.getpid())
            self._record = None
        remove_if_unused(self.tap_dir)

    def __enter__(self) -> RecordedServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # Supervision -----------------------------------------------------------------------------

    def poll(self) -> None:
        """One look at the workspace and the server; the supervisor thread calls it."""
        with self._lock:
            if self._closing.is_set():
                return
            request = record.take_restart_request(self.workspace)
            if request is not None:
                by = request.get("by") or "another command"
                self.restart(
                    reason=f"restarted: asked by {by}",
                    rebuild_database=bool(request.get("rebuild")),
                )
                self._write(answered=str(request.get("id") or ""))
                return
            if not _has_app(self.workspace):
                if self._process is not None or self._state != WAITING:
                    self._stop_process()
                    self._wait_for_app()
                return
            if self._process is None:
                if _moving(self.workspace):
                    return  # a step is being written: start once it has landed
                if self._state == WAITING or self._seen != _app_files(self.workspace):
                    self._try_launch("started")
                return
            if not self._process.running:
                problem = f"the server stopped: {self._process.last_problem()}"
                self._stop_process()
                self._seen = _app_files(self.workspace)
                self._broken(problem)
                return
            self._watcher.poll()
            if self._process is None:
                return  # the step change restarted it (reload off) and that failed
            changed = self._restart_reason()
            if changed is not None:
                self.restart(reason=changed)
                return
            self._follow_log()

    def _supervise(self) -> None:
        while not self._closing.wait(self.interval):
            try:
                self.poll()
            except Exception as error:  # one bad look must not end the supervision
                detail = str(error) if isinstance(error, VibecodeError) else repr(error)
                self.on_event(ServerEvent("broken", f"supervising the server: {detail}"))

    def _restart_reason(self) -> str | None:
        """Why uvicorn's reloader is not enough: a replaced app/ folder or a changed .env."""
        assert self._process is not None
        app_dir, env = _identity(self.workspace)
        started_app, started_env = self._identity
        if app_dir != started_app:
            return "restarted: app/ was replaced, the reloader watched the old one"
        if self.reload and env != started_env:
            return "restarted: .env changed"
        return None

    def _follow_log(self) -> None:
        """Up or broken, as the log says (uvicorn --reload keeps running a broken app)."""
        assert self._process is not None
        problem = import_problem(tail(self._process.log_path, LOG_SCAN_LINES), self.workspace)
        if problem is not None and (self._state != BROKEN or self._problem != problem):
            self._broken(problem, in_log=True)
        elif problem is None and self._state == BROKEN:
            self._write(state=UP, problem=None)
            self.on_event(ServerEvent("started", f"the app is back up at {self.url}"))

    def _migrate_for_step(self, workspace: Path) -> migrations.MigrationResult | None:
        if not self.reload:
            self.restart(reason="restarted: reload is off, the new step's code needs it")
            return self._process.migration if self._process is not None else None
        return migrations.upgrade(workspace, database_url=self.database_url)

    def _step_changed(
        self,
        number: int,
        result: migrations.MigrationResult | None,
        error: VibecodeError | None,
    ) -> None:
        self._write(step=number)
        message = str(error) if error is not None else f"now at step {number}"
        self.on_event(ServerEvent("step", message, step=number, migration=result))

    # Starting and stopping -------------------------------------------------------------------

    def _new_process(self) -> ServerProcess:
        """The one place a `ServerProcess` of a recorded server is made."""
        return ServerProcess(
            self.workspace,
            host=self.host,
            port=self.port,
            database_url=self.database_url,
            reload=self.reload,
            workers=self.workers,
            log_path=self.log_path,
            spawn=self._spawn or subprocess.Popen,
        )

    def _launch(self, timeout: float, *, reason: str) -> None:
        """Start uvicorn and wait until it answers; raise (nothing left running) when it fails."""
        process = self._new_process()
        self._seen = _app_files(self.workspace)
        self._identity = _identity(self.workspace)
        self._write(state=STARTING, pid=None, problem=None)
        try:
            process.start()
            if process.migration is not None and process.migration.ran:
                self.on_event(ServerEvent("migration", "", migration=process.migration))
            self._wait_ready(process, timeout)
        except BaseException:
            process.stop()
            raise
        self.port = process.port
        self._process = process
        generation = (self._record.generation if self._record else 0) + 1
        self._watcher.step = current_step(self.workspace)
        self._write(
            state=UP, pid=process.pid, problem=None, generation=generation,
            started_at=time.time(), step=self._watcher.step,
        )  # fmt: skip
        step = self._watcher.step
        what = f"serving step {step}" if step is not None else "serving"
        message = what if reason == "started" else f"{what}, {reason}"
        self.on_event(ServerEvent(reason.split(":")[0], message, step=step))

    def _try_launch(self, reason: str) -> None:
        try:
            self._launch(READY_TIMEOUT, reason=reason)
        except VibecodeError as error:
            self._broken(str(error))

    def _wait_ready(self, process: ServerProcess, timeout: float) -> None:
        """`wait_ready` in short slices, so closing the owner does not wait a minute."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                process.wait_ready(min(1.0, max(0.1, deadline - time.monotonic())))
                return
            except VibecodeError:
                if not process.running:
                    raise  # it stopped: the error says why
                if self._closing.is_set():
                    raise VibecodeError("stopped while the server was starting") from None
                if time.monotonic() >= deadline:
                    raise VibecodeError(
                        f"the server did not become ready within {timeout:.0f} s",
                        hint=f"see {process.log_path}",
                    ) from None

    def _stop_process(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            process.stop()

    def _wait_for_app(self) -> None:
        self._seen = None
        self._write(state=WAITING, pid=None, problem="no app/main.py yet: waiting for a step")
        self.on_event(
            ServerEvent("waiting", "no app to serve at this step: waiting for a step with one")
        )

    def _broken(self, problem: str, *, in_log: bool = False) -> None:
        self._write(state=BROKEN, problem=problem)
        self.on_event(ServerEvent("broken", problem, in_log=in_log))

    # The record ------------------------------------------------------------------------------

    @property
    def _state(self) -> str | None:
        return self._record.state if self._record is not None else None

    @property
    def _problem(self) -> str | None:
        return self._record.problem if self._record is not None else None

    def _write(self, **changes: Any) -> None:
        current = self._record or ServerRecord(
            url=self.url, pid=None, host=self.host, port=self.port, database=self.database,
            tap=str(self.tap_dir), log=str(self.log_path),
            started_at=time.time(), step=current_step(self.workspace), owner=os.getpid(),
        )  # fmt: skip
        self._record = replace(current, url=self.url, port=self.port, **changes)
        record.write_server(self.workspace, self._record)


# What every other part asks -------------------------------------------------------------------


def find(workspace: Path) -> ServerRecord | None:
    """The workspace's recorded server, or None when none runs."""
    return record.read_server(workspace)


def restart(
    workspace: Path, *, by: str, rebuild_database: bool = False, timeout: float = RESTART_TIMEOUT
) -> ServerRecord:
    """Restart the workspace's server whoever owns it (through its record); wait for the result.

    Raises when no server runs, when its owner does not answer, or when the restarted app is
    broken (with the app's own error).
    """
    current = record.read_server(workspace)
    if current is None:
        raise VibecodeError(
            f"no server is running for {workspace}", hint="start one: vibecode serve"
        )
    request_id = uuid.uuid4().hex
    record.request_restart(
        workspace, by=by, request_id=request_id, rebuild_database=rebuild_database
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = record.read_server(workspace)
        if found is None:
            raise VibecodeError("the server stopped instead of restarting")
        if found.answered == request_id:
            if found.state == BROKEN:
                raise VibecodeError(found.problem or "the server did not come back")
            return found
        time.sleep(0.05)
    raise VibecodeError(
        f"the server's owner (pid {current.owner_pid}) did not restart it within {timeout:.0f} s",
        hint=f"see {current.log}",
    )


def ensure_answering(url: str, *, workspace: Path | None, timeout: float = ANSWER_TIMEOUT) -> None:
    """Raise, within `timeout` seconds, when the server at `url` cannot answer a request.

    The workspace's record (and its log) already knows a broken app: no request waits for it.
    Without a record, one probe with a short timeout.
    """
    from vibecode.bench.lag import same_server

    found = record.read_server(workspace) if workspace is not None else None
    deadline = time.monotonic() + READY_TIMEOUT
    while found is not None and found.state == STARTING and time.monotonic() < deadline:
        time.sleep(0.1)  # its owner says it is starting: it says so again when it is up
        found = record.read_server(workspace) if workspace is not None else None
    if found is not None and same_server(found.url, url):
        if found.state == WAITING:
            raise VibecodeError(
                "the server waits for a step with an app", hint="move to one: vibecode next"
            )
        problem = import_problem(tail(Path(found.log), LOG_SCAN_LINES), workspace or Path())
        if found.state == BROKEN or problem is not None:
            raise VibecodeError(problem or found.problem or "the server is not up")
        if found.state == UP:
            return
    _probe_once(url, timeout)


def _probe_once(url: str, timeout: float) -> None:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url.rstrip("/") + "/health", timeout=timeout):
            return
    except urllib.error.HTTPError:
        return  # it answered (a step without /health says 404)
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise VibecodeError(
            f"the server at {url} does not answer ({reason})",
            hint="is it running? `vibecode serve` shows why not",
        ) from None


@contextlib.contextmanager
def temporary(
    workspace: Path,
    *,
    database_url: str | None = None,
    log_path: Path | None = None,
    access_log: bool = True,
    timeout: float = READY_TIMEOUT,
) -> Iterator[ServerProcess]:
    """The workspace's app on a free port, unrecorded, ready, stopped afterwards (demo --start,
    a benchmark side's own database, a rehearsed step)."""
    server = ServerProcess(
        workspace, port=0, reload=False, database_url=database_url, access_log=access_log,
        log_path=log_path,
    )  # fmt: skip
    try:
        server.start()
        server.wait_ready(timeout)
        yield server
    finally:
        server.stop()
        if server.tap_dir is not None and record.read_server(workspace) is None:
            remove_if_unused(server.tap_dir)


def rebuild_database_of(workspace: Path, database_url: str) -> str:
    """Empty the workspace's database for its migrations to rebuild; where the data went.

    Call it with the server stopped: `migrations.set_aside` moves SQLite's file to
    `.vibecode/saved-db/` or renames PostgreSQL's schema, as going back a step does.
    """
    try:
        aside = migrations.set_aside(workspace, database_url)
    except VibecodeError as error:
        return f"kept as it is ({error.message})"
    if aside.kept_at is None:
        return "nothing to keep: the migrations build it"
    return f"the old data is kept in {_shown(aside.kept_at, workspace)}; the migrations rebuilt it"


def _shown(where: str, workspace: Path) -> str:
    """A path inside the workspace relative to it (a schema's description as it is)."""
    try:
        return str(Path(where).relative_to(workspace))
    except ValueError:
        return where


def _moving(workspace: Path) -> bool:
    """Whether the workspace engine is between two steps (or its state is unreadable)."""
    from vibecode.workspace.state import has_state

    return has_state(workspace) and current_step(workspace) is None


def _has_app(workspace: Path) -> bool:
    return (workspace / "app" / "main.py").is_file()


def _identity(workspace: Path) -> tuple[object, object]:
    """The app folder's inode and `.env`'s mtime: what the reloader cannot see change."""
    try:
        app_dir: object = (workspace / "app").stat().st_ino
    except OSError:
        app_dir = None
    try:
        env: object = (workspace / ".env").stat().st_mtime_ns
    except OSError:
        env = None
    return app_dir, env


def _app_files(workspace: Path) -> tuple[object, ...]:
    """The app's files with their mtimes (and what `_identity` sees): retry a broken app."""
    seen: list[object] = [_identity(workspace)]
    for folder, _, files in os.walk(workspace / "app"):
        for name in files:
            if name.endswith(".py"):
                with contextlib.suppress(OSError):
                    seen.append((folder, name, os.stat(os.path.join(folder, name)).st_mtime_ns))
    return tuple(sorted(seen, key=repr))
