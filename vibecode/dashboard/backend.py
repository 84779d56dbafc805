"""The seam between the cockpit and the rest of the tool, and a fake of it for tests.

The app calls a `Backend` from worker threads only: every method may block (files, processes,
HTTP). `real_backend.RealBackend` wires the real modules; `FakeBackend` plays them in memory.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from vibecode.course.manifest import BenchScenario, Course
from vibecode.dashboard.sample import sample_course
from vibecode.errors import VibecodeError

TapEvent = dict[str, Any]
"""One tap event as it arrives on the wire (see docs/ARCHITECTURE.md, "The tap")."""


@dataclass(frozen=True)
class GotoResult:
    """Where a step move landed and which edited files were saved before the tool replaced them."""

    step: int
    saved: tuple[str, ...] = ()
    saved_set: str | None = None
    """The saved set's id (`.vibecode/saved/<id>`), for `vibecode restore <id>`."""


@dataclass(frozen=True)
class ServerStatus:
    """What the server panel shows."""

    up: bool
    """The app answers (as far as the dashboard can tell without sending requests)."""
    running: bool = False
    """A server process runs, even if the app in it is broken (uvicorn --reload waits for a fix)."""
    url: str | None = None
    database: str | None = None
    attached: bool = False
    """True when `vibecode serve` (not the dashboard) runs the server."""
    log_tail: tuple[str, ...] = ()
    error: str | None = None
    """Why the server is not up: the workspace app's import error, a busy port..."""


@dataclass(frozen=True)
class DemoLine:
    """One demo request's outcome."""

    name: str
    method: str
    path: str
    status: int | None
    ok: bool
    ms: float
    error: str | None = None
    note: str = ""


@dataclass(frozen=True)
class BenchProgress:
    """How far a benchmark scenario has come."""

    side: str
    fraction: float
    """0..1 over the whole scenario (both sides)."""
    detail: str = ""


@dataclass(frozen=True)
class BenchOutcome:
    """A finished scenario, as a few lines of text for the activity panel."""

    name: str
    lines: tuple[str, ...]


class TapSource(Protocol):
    """A tap reader: `vibecode.tap.channel.TapReader` or a fake."""

    def fileno(self) -> int:
        """A file descriptor to wait on, or -1 when the source can only be polled."""
        ...

    def drain(self, limit: int) -> list[TapEvent]:
        """Up to `limit` events already received, without blocking."""
        ...

    def close(self) -> None:
        """Release the socket."""
        ...


class Backend(Protocol):
    """Everything the cockpit needs from the tool. Methods may block; call them from workers."""

    @property
    def course(self) -> Course:
        """The course's steps."""
        ...

    def current_step(self) -> int:
        """The workspace's step (0 before the first)."""
        ...

    def goto(self, number: int) -> GotoResult:
        """Move the workspace to step `number` with the CLI's edit-saving rules."""
        ...

    def server_status(self) -> ServerStatus:
        """The server's state now, with the last lines of its log."""
        ...

    def start_server(self) -> ServerStatus:
        """Start the server (or attach to one); failures come back in `ServerStatus.error`."""
        ...

    def stop_server(self) -> ServerStatus:
        """Stop the server the dashboard started (an attached one is left alone)."""
        ...

    def restart_server(self) -> ServerStatus:
        """Stop, then start."""
        ...

    def run_demo(self, number: int, *, on_result: Callable[[DemoLine], None]) -> list[DemoLine]:
        """Fire step `number`'s demo requests in order."""
        ...

    def run_bench(
        self, scenario: str, *, on_progress: Callable[[BenchProgress], None]
    ) -> BenchOutcome:
        """Run the benchmark scenario named `scenario` against the server, reporting progress."""
        ...

    def step_diff(self, number: int) -> str:
        """What step `number` changes against the step before, as a unified diff."""
        ...

    def tap(self) -> TapSource | None:
        """The tap reader for the current server, or None when there is no tap to read."""
        ...

    def cancel(self) -> None:
        """Ask long work in progress (a benchmark) to stop soon; called when the app closes."""
        ...

    def close(self) -> None:
        """Stop what the dashboard started and release the tap."""
        ...


class FakeTap:
    """An in-memory tap: tests push events, the dashboard drains them."""

    def __init__(self) -> None:
        self._events: deque[TapEvent] = deque()
        self._lock = threading.Lock()
        self.closed = False

    def push(self, *events: TapEvent) -> None:
        """Deliver events as the middleware would."""
        with self._lock:
            self._events.extend(events)

    def fileno(self) -> int:
        """No descriptor: the dashboard polls it every frame."""
        return -1

    def drain(self, limit: int) -> list[TapEvent]:
        """Up to `limit` pending events."""
        with self._lock:
            count = min(limit, len(self._events))
            return [self._events.popleft() for _ in range(count)]

    def close(self) -> None:
        """Mark the tap closed."""
        self.closed = True


@dataclass
class FakeBackend:
    """The whole tool in memory: steps, a server that is up or broken, demo, bench, a tap."""

    course_: Course = field(default_factory=sample_course)
    step: int = 3
    up: bool = True
    url: str = "http://127.0.0.1:8000"
    database: str = "sqlite"
    import_error: str | None = None
    """When set, the workspace app is broken: starting the server fails with this error."""
    edited: list[str] = field(default_factory=list)
    """Workspace files the presenter edited: the next move saves them."""
    log: list[str] = field(default_factory=lambda: ["INFO:     Application startup complete."])
    now: Callable[[], float] = field(default=lambda: 1_764_130_000.0)
    fake_tap: FakeTap = field(default_factory=FakeTap)
    calls: list[str] = field(default_factory=list)
    progress_seen: list[BenchProgress] = field(default_factory=list)

    @property
    def course(self) -> Course:
        """The course's steps."""
        return self.course_

    def current_step(self) -> int:
        """The workspace's step."""
        return self.step

    def goto(self, number: int) -> GotoResult:
        """Move, saving (and forgetting) the edited files like `apply.goto`."""
        self.calls.append(f"goto {number}")
        if not 0 <= number <= self.course_.last:
            raise VibecodeError(f"there is no step {number}")
        saved = tuple(self.edited)
        self.edited.clear()
        self.step = number
        saved_set = f"20261126T040000.000Z-step-{number:02d}" if saved else None
        return GotoResult(step=number, saved=saved, saved_set=saved_set)

    def server_status(self) -> ServerStatus:
        """The fake server's state."""
        if self.import_error is not None:
            return ServerStatus(up=False, url=None, database=self.database, error=self.import_error)
        return ServerStatus(
            up=self.up,
            running=self.up,
            url=self.url if self.up else None,
            database=self.database,
            log_tail=tuple(self.log[-5:]),
        )

    def start_server(self) -> ServerStatus:
        """Start unless the app is broken."""
        self.calls.append("start")
        self.up = self.import_error is None
        if self.up:
            self.log.append(f"INFO:     Uvicorn running on {self.url}")
        return self.server_status()

    def stop_server(self) -> ServerStatus:
        """Stop."""
        self.calls.append("stop")
        self.up = False
        self.log.append("INFO:     Shutting down")
        return self.server_status()

    def restart_server(self) -> ServerStatus:
        """Stop, then start."""
        self.calls.append("restart")
        self.stop_server()
        return self.start_server()

    def run_demo(self, number: int, *, on_result: Callable[[DemoLine], None]) -> list[DemoLine]:
        """Answer every demo request with its first expected status; the tap sees them too."""
        self.calls.append(f"demo {number}")
        if not self.up:
            raise VibecodeError("the server is not running", hint="press s to start it")
        lines = []
        for index, spec in enumerate(self.course_.step(number).demos):
            status = spec.expect[0]
            path = re.sub(r"\$\{[^}]*\}", "7", spec.path)  # as if every capture were 7
            line = DemoLine(spec.name, spec.method, path, status, True, 2.0 + index, None)
            self.fake_tap.push(
                {
                    "type": "request",
                    "t": self.now() + index * 0.01,
                    "method": spec.method,
                    "path": path,
                    "status": status,
                    "ms": line.ms,
                    "bytes": 20,
                    "client": "127.0.0.1",
                    "pid": 4242,
                }
            )
            on_result(line)
            lines.append(line)
        return lines

    def run_bench(
        self, scenario: str, *, on_progress: Callable[[BenchProgress], None]
    ) -> BenchOutcome:
        """Report progress through both sides, then a canned comparison."""
        self.calls.append(f"bench {scenario}")
        if not self.up:
            raise VibecodeError("the server is not running", hint="press s to start it")
        _, found = self.course_.find_bench(scenario)
        return self._canned_bench(found, on_progress)

    def _canned_bench(
        self, scenario: BenchScenario, on_progress: Callable[[BenchProgress], None]
    ) -> BenchOutcome:
        for side in (scenario.a.label, scenario.b.label):
            for fraction in (0.25, 0.5):
                offset = 0.0 if side == scenario.a.label else 0.5
                progress = BenchProgress(side=side, fraction=offset + fraction, detail="")
                self.progress_seen.append(progress)
                on_progress(progress)
        return BenchOutcome(
            name=scenario.name,
            lines=(
                f"{scenario.a.label}: 960 req/s  p50 52 ms  p99 61 ms",
                f"{scenario.b.label}: 19 req/s  p50 2600 ms  p99 2700 ms",
            ),
        )

    def step_diff(self, number: int) -> str:
        """A small canned diff."""
        if number == 0:
            return ""
        return (
            f"--- a/app/main.py\t(step {number - 1})\n+++ b/app/main.py\t(step {number})\n"
            "@@ -1,3 +1,4 @@\n from fastapi import FastAPI\n+from app.api import users\n"
            " \n app = FastAPI()\n"
        )

    def tap(self) -> TapSource | None:
        """The in-memory tap (None while the server is down)."""
        return self.fake_tap

    def cancel(self) -> None:
        """Nothing runs long here."""
        self.calls.append("cancel")

    def close(self) -> None:
        """Release the tap."""
        self.calls.append("close")
        self.fake_tap.close()
