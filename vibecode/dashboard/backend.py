"""The seam between the cockpit and the rest of the tool, and a fake of it for tests.

The app calls a `Backend` from worker threads only: every method may block (files, processes,
HTTP). `real_backend.RealBackend` wires the real modules; `FakeBackend` plays them in memory.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from vibecode.course.diffs import FileDiff
from vibecode.course.manifest import BenchScenario, Course
from vibecode.dashboard.sample import sample_course, sample_plan
from vibecode.demo.paced import Preview
from vibecode.errors import VibecodeError
from vibecode.live.player import Finished, Player
from vibecode.talk.state import TalkStore
from vibecode.tap.events import RequestEvent, TapEvent
from vibecode.tap.subscription import TapSource


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
    headers: Mapping[str, str] = field(default_factory=dict)
    """The answer's headers worth showing (content-type, location, x-request-id...)."""
    body: Any = None


DemoPreview = Preview
"""A demo request as it will be sent, shown before the key that sends it (`demo.paced`'s own)."""


class PacedDemo(Protocol):
    """A step's demo requests, one per key."""

    @property
    def total(self) -> int:
        """How many requests."""
        ...

    def preview(self, index: int) -> DemoPreview:
        """Request `index` (0-based) with the values known so far."""
        ...

    def send(self, index: int) -> DemoLine:
        """Fire request `index` and return its answer."""
        ...


@dataclass(frozen=True)
class BenchProgress:
    """How far a benchmark scenario has come, with the live figures of the side running."""

    side: str
    fraction: float
    """0..1 over the whole scenario (both sides)."""
    detail: str = ""
    rps: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    """What the clients wait (send to answer), so far on this side."""
    oldest_wait_ms: float | None = None
    status: Mapping[int, int] = field(default_factory=dict)
    errors: int = 0
    latency_counts: tuple[int, ...] = ()
    completed: int = 0


@dataclass(frozen=True)
class RescueResult:
    """What `rescue` did: back to the step's checkpoint, database rebuilt, server ready."""

    step: int
    lines: tuple[str, ...]
    saved: tuple[str, ...] = ()
    saved_set: str | None = None


class TypingJob(Protocol):
    """A step being typed (`vibecode.live.typist.Typist` or the fake one)."""

    number: int
    player: Player | None
    written: int

    def begin(self) -> Any:
        """Bring the workspace to where the typing starts; blocks."""
        ...

    @property
    def at_end(self) -> bool:
        """Everything is typed."""
        ...

    def press(self) -> bool:
        """One key of magic typing."""
        ...

    def finish_hunk(self) -> bool:
        """The rest of the hunk."""
        ...

    def finish_file(self) -> bool:
        """The rest of the file."""
        ...

    def finish_step(self) -> bool:
        """The rest of the step."""
        ...

    def advance(self, chars: float) -> bool:
        """Unattended typing."""
        ...

    def finish(self) -> Any:
        """Wait for the writes and record the step; blocks."""
        ...

    def stop(self) -> None:
        """Leave midway; what is typed stays."""
        ...


@dataclass(frozen=True)
class BenchOutcome:
    """A finished scenario, as a few lines of text for the activity panel."""

    name: str
    lines: tuple[str, ...]


class Backend(Protocol):
    """Everything the cockpit needs from the tool. Methods may block; call them from workers."""

    @property
    def course(self) -> Course:
        """The course's steps."""
        ...

    @property
    def talk(self) -> TalkStore:
        """The talk both views share (its clock, the cues)."""
        ...

    @property
    def workspace(self) -> Path | None:
        """The workspace folder (None: nothing on disk, as in the fake)."""
        ...

    def current_step(self) -> int:
        """The workspace's step (0 before the first)."""
        ...

    def next_to_type(self) -> int:
        """The step `t` types: the one paused midway, else the next one."""
        ...

    def typist(self, number: int, *, on_saved: Callable[[str, str], None]) -> TypingJob:
        """A typing session of step `number`; `on_saved(path, set_id)` for each edit saved."""
        ...

    def paced_demo(self, number: int) -> PacedDemo:
        """Step `number`'s demo requests, one per key, against the running server."""
        ...

    def rescue(self) -> RescueResult:
        """Back to the current step's checkpoint (edits saved), database rebuilt, server ready."""
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

    def step_diff(self, number: int) -> list[FileDiff]:
        """What step `number` changes against the step before, file by file."""
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

    def drain(self, limit: int = 10_000) -> list[TapEvent]:
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
    attached: bool = False
    """The server runs under `vibecode serve`: the dashboard may not stop or restart it."""
    writes: list[Finished] = field(default_factory=list)
    """What typing wrote, in order."""
    talk_store: TalkStore | None = None

    def __post_init__(self) -> None:
        if self.talk_store is None:
            # No workspace on disk: the store keeps the talk in memory, shared by both views.
            self.talk_store = TalkStore(Path("/nonexistent/workspace"), clock=self.now)

    @property
    def course(self) -> Course:
        """The course's steps."""
        return self.course_

    @property
    def talk(self) -> TalkStore:
        """The in-memory talk."""
        assert self.talk_store is not None
        return self.talk_store

    @property
    def workspace(self) -> Path | None:
        """No workspace on disk."""
        return None

    def next_to_type(self) -> int:
        """The step after the current one."""
        if self.step >= self.course_.last:
            raise VibecodeError(f"the workspace is at step {self.step}, the last one")
        return self.step + 1

    def typist(self, number: int, *, on_saved: Callable[[str, str], None]) -> TypingJob:
        """Typing of a small canned step, writes kept in `writes`."""
        self.calls.append(f"type {number}")
        return FakeTypist(self, number)

    def paced_demo(self, number: int) -> PacedDemo:
        """The step's demo requests, answered with their first expected status."""
        self.calls.append(f"paced demo {number}")
        if not self.up:
            raise VibecodeError("the server is not running", hint="press s to start it")
        return FakePacedDemo(self, number)

    def rescue(self) -> RescueResult:
        """Back to the checkpoint (saving edits), database rebuilt, server up."""
        self.calls.append("rescue")
        saved = tuple(self.edited)
        self.edited.clear()
        self.up = True
        self.import_error = None
        saved_set = f"20261126T040000.000Z-step-{self.step:02d}" if saved else None
        lines = [f"Back to step {self.step}'s checkpoint; database rebuilt; server up."]
        if saved:
            lines.append(f"Saved first: {', '.join(saved)} (vibecode restore {saved_set})")
        return RescueResult(self.step, tuple(lines), saved, saved_set)

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
        """Stop (refused when `vibecode serve` runs it)."""
        self.calls.append("stop")
        if self.attached:
            raise VibecodeError(
                "this server was not started by the dashboard",
                hint="stop it where it runs: Ctrl-C in the `vibecode serve` terminal",
            )
        self.up = False
        self.log.append("INFO:     Shutting down")
        return self.server_status()

    def restart_server(self) -> ServerStatus:
        """Stop, then start."""
        self.calls.append("restart")
        self.stop_server()
        return self.start_server()

    def demo_line(self, number: int, index: int) -> DemoLine:
        """The canned answer of demo request `index` of step `number`."""
        spec = self.course_.step(number).demos[index]
        status = spec.expect[0]
        path = re.sub(r"\$\{[^}]*\}", "7", spec.path)  # as if every capture were 7
        line = DemoLine(
            spec.name,
            spec.method,
            path,
            status,
            True,
            2.0 + index,
            None,
            spec.note,
            headers={"content-type": "application/json", "x-request-id": f"req-{index + 1}"},
            body={"status": "ok"} if status < 300 else {"detail": "canned"},
        )
        self.fake_tap.push(
            RequestEvent(
                t=self.now() + index * 0.01,
                method=spec.method,
                path=path,
                status=status,
                ms=line.ms,
                bytes=20,
                client="127.0.0.1",
                pid=4242,
            )
        )
        return line

    def run_demo(self, number: int, *, on_result: Callable[[DemoLine], None]) -> list[DemoLine]:
        """Answer every demo request with its first expected status; the tap sees them too."""
        self.calls.append(f"demo {number}")
        if not self.up:
            raise VibecodeError("the server is not running", hint="press s to start it")
        lines = []
        for index in range(len(self.course_.step(number).demos)):
            line = self.demo_line(number, index)
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
            blocked = side == scenario.b.label
            for fraction in (0.25, 0.5):
                offset = 0.0 if side == scenario.a.label else 0.5
                done = int(fraction * (40 if blocked else 2_000))
                progress = BenchProgress(
                    side=side,
                    fraction=offset + fraction,
                    detail="",
                    rps=19.0 if blocked else 960.0,
                    p50_ms=2_600.0 if blocked else 52.0,
                    p99_ms=8_100.0 if blocked else 61.0,
                    oldest_wait_ms=8_200.0 if blocked else 55.0,
                    status={200: done},
                    latency_counts=(
                        (0,) * 11 + (done // 4, done - done // 4)
                        if blocked
                        else (0,) * 5 + (done // 10, done - done // 10) + (0,) * 6
                    ),
                    completed=done,
                )
                self.progress_seen.append(progress)
                on_progress(progress)
        return BenchOutcome(
            name=scenario.name,
            lines=(
                f"{scenario.a.label}: 960 req/s  p50 52 ms  p99 61 ms",
                f"{scenario.b.label}: 19 req/s  p50 2600 ms  p99 2700 ms",
            ),
        )

    def step_diff(self, number: int) -> list[FileDiff]:
        """A small canned change of app/main.py."""
        if number == 0:
            return []
        old = b"from fastapi import FastAPI\n\napp = FastAPI()\n"
        new = (
            b"from fastapi import FastAPI\nfrom app.api import users\n\n"
            b'app = FastAPI(title="FastAPI SQLAlchemy Async Vibecoding", version="1.0.0", '
            b'description="Users, posts, and the event loop")\n'
        )
        return [FileDiff("app/main.py", "changed", old, new)]

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


class FakeTypist:
    """Typing of the sample plan, in memory: writes go to the fake backend's `writes`."""

    def __init__(self, fake: FakeBackend, number: int) -> None:
        self.fake = fake
        self.number = number
        self.player: Player | None = None
        self.written = 0

    def begin(self) -> Any:
        """Start at the first hunk."""
        self.player = Player(sample_plan(self.number))
        return None

    @property
    def at_end(self) -> bool:
        """Everything is typed."""
        return self.player is not None and self.player.at_end

    def _keep(self, finished: list[Finished]) -> bool:
        self.fake.writes.extend(finished)
        self.written += len(finished)
        return bool(finished)

    def press(self) -> bool:
        """One key."""
        assert self.player is not None
        return self._keep(self.player.press())

    def finish_hunk(self) -> bool:
        """The rest of the hunk."""
        assert self.player is not None
        return self._keep(self.player.finish_hunk())

    def finish_file(self) -> bool:
        """The rest of the file."""
        assert self.player is not None
        return self._keep(self.player.finish_file())

    def finish_step(self) -> bool:
        """The rest of the step."""
        assert self.player is not None
        return self._keep(self.player.finish_step())

    def advance(self, chars: float) -> bool:
        """Unattended typing."""
        assert self.player is not None
        return self._keep(self.player.advance(chars))

    def finish(self) -> Any:
        """Record the step."""
        self.fake.step = self.number
        self.fake.calls.append(f"typed {self.number}")
        return None

    def stop(self) -> None:
        """Leave midway."""
        self.fake.calls.append(f"paused {self.number}")


class FakePacedDemo:
    """The fake backend's demo requests, one per key."""

    def __init__(self, fake: FakeBackend, number: int) -> None:
        self.fake = fake
        self.number = number

    @property
    def total(self) -> int:
        """How many requests."""
        return len(self.fake.course.step(self.number).demos)

    def preview(self, index: int) -> DemoPreview:
        """The request as written in the step."""
        spec = self.fake.course.step(self.number).demos[index]
        return DemoPreview(
            spec.name, spec.method, spec.path, dict(spec.headers), spec.json, spec.note
        )

    def send(self, index: int) -> DemoLine:
        """The canned answer."""
        self.fake.calls.append(f"send {self.number}.{index + 1}")
        return self.fake.demo_line(self.number, index)
