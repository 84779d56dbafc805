"""The real `Backend`: the steps engine, the server process, the tap, demo and bench.

It attaches to the workspace's recorded server (`vibecode serve`'s, or to `--url`), or starts
its own `RecordedServer` (recorded like any other, so `vibecode demo` and `bench` find it) and
stops it on `close()`. Restarts and rescues go through the record, whoever runs the server.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vibecode.bench.lag import same_server
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
from vibecode.errors import VibecodeError
from vibecode.serve import record, recorded
from vibecode.serve.environment import database_kind, resolve_database_url
from vibecode.serve.log import import_problem, tail
from vibecode.serve.recorded import RecordedServer
from vibecode.talk.state import TalkStore
from vibecode.tap.channel import TapReader, tap_dir_for
from vibecode.tap.subscription import TapSource
from vibecode.workspace import apply, state

if TYPE_CHECKING:
    from vibecode.demo.runner import DemoResult

SHOWN_HEADERS = ("content-type", "location", "x-request-id", "www-authenticate")
"""Answer headers the paced demo shows."""

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
        self._server: RecordedServer | None = None
        """The server this dashboard started (its record is in the workspace like any other)."""
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

        return RealPacedDemo(PacedDemo(self._answering_url(), self._course.step(number).demos))

    def rescue(self) -> RescueResult:
        """`vibecode rescue`: checkpoint (edits saved first), database rebuilt, server ready."""
        from vibecode.serve.rescue import rescue

        outcome = rescue(self._course, self.workspace, by="the dashboard")
        return RescueResult(outcome.step, outcome.lines, outcome.saved, outcome.saved_set)

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
    # The record (`recorded.find`) is the truth for the server this dashboard started and for
    # one `vibecode serve` runs alike; `--url` names a server outside the workspace.

    def _recorded(self) -> record.ServerRecord | None:
        """The workspace's server, unless `--url` names another one."""
        found = recorded.find(self.workspace)
        if found is not None and self.url is not None and not same_server(found.url, self.url):
            return None
        return found

    def _base_url(self) -> str:
        found = self._recorded()
        if found is not None:
            return found.url
        if self.url is not None:
            return self.url
        raise VibecodeError("the server is not running", hint="press s to start it")

    def _answering_url(self) -> str:
        """The server's URL once it is known to answer (within 2 s, with the app's error)."""
        url = self._base_url()
        recorded.ensure_answering(url, workspace=self.workspace)
        return url

    def server_status(self) -> ServerStatus:
        """The workspace's recorded server (ours or `vibecode serve`'s), else `--url`, else down."""
        found = self._recorded()
        if found is not None:
            lines = tail(Path(found.log), SCAN_LINES)
            broken = import_problem(lines, self.workspace) if found.pid is not None else None
            waiting = found.state == record.WAITING
            problem = broken or (found.problem if not found.up and not waiting else None)
            return ServerStatus(
                up=found.up and broken is None,
                running=found.pid is not None,
                url=found.url,
                database=found.database,
                attached=found.owner_pid != os.getpid(),
                log_tail=tuple(lines[-LOG_LINES:]),
                error=problem,
                waiting=waiting,
            )
        if self.url is not None:
            up = _listening(self.url)
            return ServerStatus(up=up, url=self.url, database=self.db, attached=True)
        database = database_kind(resolve_database_url(self.workspace, self.db))
        return ServerStatus(up=False, database=database, error=self._error)

    def start_server(self) -> ServerStatus:
        """Start (and record) our own server unless one already runs for this workspace."""
        with self._lock:
            if self._server is None and self._recorded() is None and self.url is None:
                server = RecordedServer(
                    self.workspace,
                    port=self.port,
                    database_url=resolve_database_url(self.workspace, self.db),
                )
                self._error = None
                try:
                    server.start(wait_for_app=True)
                except VibecodeError as error:
                    self._error = str(error)
                else:
                    self._server = server
        return self.server_status()

    def stop_server(self) -> ServerStatus:
        """Stop our own server; one started elsewhere is left alone (with a message why)."""
        with self._lock:
            server, self._server = self._server, None
            if server is None:
                if self._recorded() is not None or self.url is not None:
                    raise VibecodeError(
                        "this server was not started by the dashboard",
                        hint="stop it where it runs: Ctrl-C in the `vibecode serve` terminal",
                    )
            else:
                server.stop()
        return self.server_status()

    def restart_server(self) -> ServerStatus:
        """Restart the workspace's server, whoever runs it, through its record."""
        if self._recorded() is None:
            if self.url is not None:
                raise VibecodeError(
                    f"{self.url} is not this workspace's server: restart it where it runs"
                )
            return self.start_server()
        recorded.restart(self.workspace, by="the dashboard")
        return self.server_status()

    # Demo and bench -------------------------------------------------------------------------

    def run_demo(self, number: int, *, on_result: Callable[[DemoLine], None]) -> list[DemoLine]:
        """Fire step `number`'s demo requests against the running server."""
        from vibecode.demo.runner import run_requests

        base_url = self._answering_url()
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
        found = self._recorded()
        tap_dir = Path(found.tap) if found is not None and found.tap else None
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
        """Stop a running benchmark; unregister from the tap; stop our own server (and with
        no reader left, its tap folder goes too)."""
        self._stop.set()
        if self._tap is not None:
            self._tap.close()
            self._tap = None
        with self._lock:
            server, self._server = self._server, None
            if server is not None:
                server.stop()


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
