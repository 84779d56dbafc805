"""The real `Backend`: the steps engine, the server process, the tap, demo and bench.

It attaches to a server that `vibecode serve` runs for the workspace (or to `--url`), or
starts its own `ServerProcess`, records it in `.vibecode/server.json` so `vibecode demo` and
`vibecode bench` find it, and stops it on `close()`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vibecode.course import diffs
from vibecode.course.manifest import Course
from vibecode.dashboard.backend import (
    BenchOutcome,
    BenchProgress,
    DemoLine,
    DemoPreview,
    GotoResult,
    RescueResult,
    ServerStatus,
    TypingJob,
)
from vibecode.dashboard.server_log import import_problem
from vibecode.errors import VibecodeError
from vibecode.serve import record
from vibecode.serve.environment import database_kind, resolve_database_url
from vibecode.serve.server import ServerProcess
from vibecode.talk.state import TalkStore
from vibecode.tap.channel import TapReader, tap_dir_for
from vibecode.tap.subscription import TapSource
from vibecode.workspace import apply, state

if TYPE_CHECKING:
    from vibecode.demo.runner import DemoResult

SHOWN_HEADERS = ("content-type", "location", "x-request-id", "www-authenticate")
"""Answer headers the paced demo shows."""

READY_TIMEOUT = 60.0
LOG_LINES = 6
SCAN_LINES = 60
"""Log lines read to find an import error (a traceback is 10-30 lines)."""
TAP_NAME = "dashboard"


class RealBackend:
    """The tool's real modules behind the dashboard's seam."""

    def __init__(
        self,
        course: Course,
        workspace: Path,
        *,
        url: str | None = None,
        port: int = 8000,
        db: str | None = None,
    ) -> None:
        self._course = course
        self.workspace = workspace.resolve()
        self.url = url.rstrip("/") if url else None
        self.port = port
        self.db = db
        self._server: ServerProcess | None = None
        self._error: str | None = None
        self._tap: TapReader | None = None
        self._tap_dir: Path | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._talk = TalkStore(self.workspace)

    @property
    def course(self) -> Course:
        """The course's steps."""
        return self._course

    @property
    def talk(self) -> TalkStore:
        """The workspace's shared talk (`.vibecode/talk.json`)."""
        return self._talk

    def next_to_type(self) -> int:
        """The step paused midway, else the one after the current step."""
        from vibecode.live.run import next_to_type

        return next_to_type(self._course, self.workspace)

    def typist(self, number: int, *, on_saved: Callable[[str, str], None]) -> TypingJob:
        """A typing session through the workspace engine (atomic writes, edits saved first)."""
        from vibecode.live.typist import Typist

        return Typist(
            self._course,
            self.workspace,
            number,
            on_saved=lambda item: on_saved(item.path, item.set_id),
        )

    def paced_demo(self, number: int) -> RealPacedDemo:
        """Step `number`'s demo requests against the running server, one per key."""
        from vibecode.demo.paced import PacedDemo

        return RealPacedDemo(PacedDemo(self._base_url(), self._course.step(number).demos))

    def rescue(self) -> RescueResult:
        """Back to the current step's checkpoint (edits saved first) and the server ready.

        The dashboard's own server restarts; one `vibecode serve` runs reloads by itself when
        the files change back.
        """
        number = self.current_step()
        result = apply.reset(self._course, self.workspace)
        saved = tuple(item.path for item in result.saved)
        saved_set = result.saved[0].set_id if result.saved else None
        lines = [f"Step {number}: back to its checkpoint ({len(result.written)} files rewritten)."]
        if saved:
            lines.append(
                f"Saved your edits first ({', '.join(saved)}): vibecode restore {saved_set}"
            )
        if self._server is not None:
            with self._lock:
                self._stop_own()
                self._start()
            up = self._server is not None and self._server.running
            lines.append("Server restarted and ready." if up else f"Server: {self._error}")
        return RescueResult(number, tuple(lines), saved, saved_set)

    # Steps --------------------------------------------------------------------------------

    def current_step(self) -> int:
        """The workspace's step; 0 when the workspace does not exist yet."""
        if not state.has_state(self.workspace):
            return 0
        return state.load_state(self.workspace).step

    def goto(self, number: int) -> GotoResult:
        """`apply.goto`, exactly as `vibecode goto` calls it."""
        result = apply.goto(self._course, self.workspace, number)
        saved = tuple(item.path for item in result.saved)
        saved_set = result.saved[0].set_id if result.saved else None
        return GotoResult(step=result.step, saved=saved, saved_set=saved_set)

    def step_diff(self, number: int) -> list[diffs.FileDiff]:
        """What step `number` changes against the step before it."""
        if number < 1:
            return []
        return diffs.step_diff(self._course, number)

    # Server -------------------------------------------------------------------------------

    def _attached(self) -> record.ServerRecord | None:
        """The workspace's `vibecode serve` server, unless `--url` names another one."""
        if self._server is not None:
            return None
        found = record.read_server(self.workspace)
        if found is not None and self.url is not None and found.url.rstrip("/") != self.url:
            return None
        return found

    def _base_url(self) -> str:
        if self._server is not None and self._server.running:
            return self._server.url
        if self.url is not None:
            return self.url
        attached = self._attached()
        if attached is not None:
            return attached.url
        raise VibecodeError("the server is not running", hint="press s to start it")

    def server_status(self) -> ServerStatus:
        """Our own server, else the one `vibecode serve` runs, else `--url`, else down."""
        server = self._server
        if server is not None:
            lines = server.log_tail(SCAN_LINES)
            broken = import_problem(lines, self.workspace) if server.running else None
            return ServerStatus(
                up=server.running and broken is None,
                running=server.running,
                url=server.url,
                database=server.database,
                log_tail=tuple(lines[-LOG_LINES:]),
                error=broken or (self._error if not server.running else None),
            )
        attached = self._attached()
        if attached is not None:
            lines = _tail(Path(attached.log), SCAN_LINES)
            broken = import_problem(lines, self.workspace)
            return ServerStatus(
                up=broken is None,
                running=True,
                url=attached.url,
                database=attached.database,
                attached=True,
                log_tail=tuple(lines[-LOG_LINES:]),
                error=broken,
            )
        if self.url is not None:
            up = _listening(self.url)
            return ServerStatus(up=up, url=self.url, database=self.db, attached=True)
        database = database_kind(resolve_database_url(self.workspace, self.db))
        return ServerStatus(up=False, database=database, error=self._error)

    def start_server(self) -> ServerStatus:
        """Start our own server unless one already runs for this workspace (or `--url`)."""
        with self._lock:
            nobody_serves = self._server is None and record.read_server(self.workspace) is None
            if nobody_serves and self.url is None:
                self._start()
        return self.server_status()

    def _start(self) -> None:
        server = ServerProcess(
            self.workspace,
            port=self.port,
            database_url=resolve_database_url(self.workspace, self.db),
        )
        self._error = None
        try:
            server.start()
            self._wait_ready(server)
        except VibecodeError as error:
            server.stop()
            self._error = str(error)
            return
        self._server = server
        pid = server.pid
        assert pid is not None
        record.write_server(
            self.workspace,
            record.ServerRecord(
                url=server.url,
                pid=pid,
                host=server.host,
                port=server.port,
                database=server.database,
                tap=str(server.tap_dir or ""),
                log=str(server.log_path),
                started_at=time.time(),
                step=self.current_step(),
            ),
        )

    def _wait_ready(self, server: ServerProcess) -> None:
        """`wait_ready` in short slices, so quitting the dashboard does not wait a minute."""
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            try:
                server.wait_ready(1.0)
                return
            except VibecodeError:
                if not server.running:
                    raise  # it stopped: the error says why
                if self._stop.is_set():
                    raise VibecodeError("the dashboard closed while the server started") from None
                if time.monotonic() >= deadline:
                    raise VibecodeError(
                        f"the server did not become ready within {READY_TIMEOUT:.0f} s",
                        hint=f"see {server.log_path}",
                    ) from None

    def stop_server(self) -> ServerStatus:
        """Stop our own server; one started elsewhere is left alone (with a message why)."""
        with self._lock:
            self._stop_own()
        return self.server_status()

    def _stop_own(self) -> None:
        server, self._server = self._server, None
        if server is None:
            if record.read_server(self.workspace) is not None or self.url is not None:
                raise VibecodeError(
                    "this server was not started by the dashboard",
                    hint="stop it where it runs (Ctrl-C in the `vibecode serve` terminal)",
                )
            return
        pid = server.pid
        server.stop()
        record.remove_server(self.workspace, pid=pid)

    def restart_server(self) -> ServerStatus:
        """Stop our server and start it again."""
        with self._lock:
            self._stop_own()
            self._start()
        return self.server_status()

    # Demo and bench -------------------------------------------------------------------------

    def run_demo(self, number: int, *, on_result: Callable[[DemoLine], None]) -> list[DemoLine]:
        """Fire step `number`'s demo requests against the running server."""
        from vibecode.demo.runner import run_requests

        base_url = self._base_url()
        results = run_requests(
            base_url,
            self._course.step(number).demos,
            on_result=lambda result: on_result(demo_line(result, base_url)),
        )
        return [demo_line(result, base_url) for result in results]

    def run_bench(
        self, scenario_name: str, *, on_progress: Callable[[BenchProgress], None]
    ) -> BenchOutcome:
        """Run a benchmark scenario on the running server, side A then side B, and judge it.

        The judgement is `vibecode.bench.verdict.judge`'s, as in `vibecode bench` and `rehearse`.
        """
        from vibecode.bench.scenarios import run_scenario
        from vibecode.bench.verdict import judge
        from vibecode.dashboard.bench_feed import BenchFeed

        _, scenario = self._course.find_bench(scenario_name)
        feed = BenchFeed([scenario.a.label, scenario.b.label], scenario.duration, on_progress)
        self._stop.clear()
        comparison = run_scenario(
            self._course,
            scenario.name,
            ws=self.workspace,
            base_url=self._base_url(),
            on_progress=feed.progress,
            on_side=feed.side,
            stop=self._stop,
        )
        summary = comparison.summary()
        lines = []
        for key in ("a", "b"):
            figures = summary[key]
            latency = figures.get("latency_ms") or {}
            lines.append(
                f"{figures.get('label', key)}: {figures.get('rps', 0):,.0f} req/s  "
                f"p50 {latency.get('p50', 0):,.1f} ms  p99 {latency.get('p99', 0):,.1f} ms"
            )
        verdict = judge(comparison)
        lines += [*verdict.problems, *(outcome.line() for outcome in verdict.claims)]
        return BenchOutcome(name=scenario.name, lines=tuple(lines))

    # Tap and life cycle ----------------------------------------------------------------------

    def tap(self) -> TapSource | None:
        """A reader in the workspace's tap folder (the one in server.json when attached)."""
        attached = self._attached()
        tap_dir = Path(attached.tap) if attached is not None and attached.tap else None
        tap_dir = tap_dir or tap_dir_for(self.workspace)
        if self._tap is None or tap_dir != self._tap_dir:
            if self._tap is not None:
                self._tap.close()
            self._tap = TapReader(tap_dir, name=TAP_NAME)
            self._tap_dir = tap_dir
        return self._tap

    def cancel(self) -> None:
        """Stop a running benchmark at its next progress check."""
        self._stop.set()

    def close(self) -> None:
        """Stop a running benchmark and our own server; unregister from the tap."""
        self._stop.set()
        with self._lock:
            server, self._server = self._server, None
            if server is not None:
                pid = server.pid
                server.stop()
                record.remove_server(self.workspace, pid=pid)
        if self._tap is not None:
            self._tap.close()
            self._tap = None


def _tail(path: Path, lines: int) -> list[str]:
    """The last lines of a log file (empty when it is missing)."""
    try:
        with open(path, "rb") as log:
            log.seek(0, 2)
            log.seek(max(0, log.tell() - 16 * 1024))
            text = log.read().decode("utf-8", errors="replace")
    except OSError:
        return []
    return text.splitlines()[-lines:]


def _listening(url: str) -> bool:
    """Whether something accepts connections at `url`'s address.

    A TCP connect, not an HTTP request: polled every second, a request would show up in the
    server's log and in the live table.
    """
    import socket
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        with socket.create_connection((parts.hostname or "127.0.0.1", port), timeout=1.0):
            return True
    except (OSError, ValueError):
        return False


class RealPacedDemo:
    """`vibecode.demo.paced.PacedDemo` in the dashboard's terms."""

    def __init__(self, demo: Any) -> None:
        self.demo = demo

    @property
    def total(self) -> int:
        """How many requests."""
        return int(self.demo.total)

    def preview(self, index: int) -> DemoPreview:
        """Request `index` as it will be sent."""
        preview: DemoPreview = self.demo.preview(index)
        return preview

    def send(self, index: int) -> DemoLine:
        """Fire request `index`; its answer with the headers worth showing and the body."""
        return demo_line(self.demo.send(index), self.demo.base_url)


def demo_line(result: DemoResult, base_url: str) -> DemoLine:
    """A demo request's answer as the panels show it: the path sent, the headers worth showing."""
    headers = {
        name: value
        for name, value in result.response_headers.items()
        if name.lower() in SHOWN_HEADERS
    }
    return DemoLine(
        name=result.spec.name,
        method=result.method,
        path=result.url.removeprefix(base_url.rstrip("/")),
        status=result.status,
        ok=result.ok,
        ms=result.ms,
        error=result.error,
        note=result.spec.note,
        headers=headers,
        body=result.body,
    )
