"""The cockpit: `DashboardApp` and the `make_dashboard` factory the CLI and the tests share.

The app owns layout, keys and timing; everything that touches files, processes or the network
goes through a `Backend`, always from a worker thread, so the UI never blocks.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.widgets import ContentSwitcher, Footer, Header, Static

from vibecode.dashboard.backend import (
    Backend,
    BenchOutcome,
    BenchProgress,
    DemoLine,
    GotoResult,
    ServerStatus,
    TapSource,
)
from vibecode.dashboard.clock import Clock, SystemClock
from vibecode.dashboard.live import EventBuffer, Frame, LiveStats, TapPump
from vibecode.dashboard.screens.help import HelpScreen
from vibecode.dashboard.theme import (
    BAD,
    MIN_HEIGHT,
    MIN_WIDTH,
    OK,
    PROJECTOR,
    THEME_NAME,
    WARN,
)
from vibecode.dashboard.widgets.activity import ActivityPanel, progress_bar
from vibecode.dashboard.widgets.course_panel import CoursePanel
from vibecode.dashboard.widgets.diff_view import DiffView
from vibecode.dashboard.widgets.metrics_panel import MetricsPanel
from vibecode.dashboard.widgets.request_table import RequestTable, latency_label, status_label
from vibecode.dashboard.widgets.server_panel import ServerPanel
from vibecode.errors import VibecodeError

FPS = 5.0
"""Frames per second of the live panels (the requirement is 4 or more)."""
COMPACT_HEIGHT = 40
"""Below this many rows the server panel shows fewer log lines, leaving room for the course."""
DRAIN_LIMIT = 2_000
"""Events taken from the tap per read; the ring buffer bounds what waits between frames."""

HELP_NOTES = {
    "next_step": "saves edited files first, like `vibecode next`",
    "previous_step": "saves edited files first, like `vibecode prev`",
    "demo": "fire the step's demo requests",
    "bench": "run the step's benchmark scenario with progress; again: its next one",
    "toggle_server": "start the server, or stop the one the dashboard started",
    "restart_server": "stop, then start again",
    "toggle_diff": "show what this step changes, in place of the live table",
    "help": "this screen",
    "quit": "leave; a server the dashboard started is stopped",
}


class DashboardApp(App[None]):
    """The presenter's cockpit: course, live requests, server; driven by single keys."""

    TITLE = "vibecode dashboard"
    ENABLE_COMMAND_PALETTE = False
    CSS = """
    Screen { layout: vertical; }
    #body { height: 1fr; }
    #left { width: 42%; min-width: 40; }
    #right { width: 1fr; }
    #switcher { height: 1fr; }
    #too-small {
        display: none;
        height: 1fr;
        content-align: center middle;
        text-style: bold;
        color: $warning;
    }
    .-too-small #too-small { display: block; }
    .-too-small #body { display: none; }
    .-compact ServerPanel { height: 7; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next_step", "Next"),
        Binding("p", "previous_step", "Prev"),
        Binding("d", "demo", "Demo"),
        Binding("b", "bench", "Bench"),
        Binding("s", "toggle_server", "Start/stop"),
        Binding("r", "restart_server", "Restart"),
        Binding("v", "toggle_diff", "Diff"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(
        self,
        backend: Backend,
        *,
        clock: Clock | None = None,
        live: bool = True,
        start_server: bool = False,
        fps: float = FPS,
        buffer_capacity: int = 20_000,
    ) -> None:
        super().__init__()
        self.backend = backend
        self.clock = clock or SystemClock()
        self.live = live
        """False in snapshot tests: no timers; the test calls `refresh_frame` and `tick`."""
        self.start_server_on_mount = start_server
        self.fps = fps
        self.buffer = EventBuffer(buffer_capacity)
        self.stats = LiveStats()
        self.frames_drawn = 0
        self.step = 0
        self.status: ServerStatus | None = None
        self.diff_shown = False
        self._tap: TapSource | None = None
        self._pump: TapPump | None = None
        self._step_lock = threading.Lock()
        self._server_lock = threading.Lock()
        self._talk_started = self.clock.monotonic()
        self._step_started = self._talk_started
        self._job: str | None = None
        self._bench_turn: dict[int, int] = {}
        """Per step, which of its benchmark scenarios `b` runs next."""
        self.course_panel = CoursePanel(backend.course, id="course")
        self.server_panel = ServerPanel(id="server")
        self.metrics = MetricsPanel(id="metrics")
        self.requests = RequestTable(id="requests")
        self.diff_view = DiffView(id="diff")
        self.activity = ActivityPanel(id="activity")

    # Layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            with Vertical(id="left"):
                yield self.course_panel
                yield self.server_panel
            with Vertical(id="right"):
                yield self.metrics
                with ContentSwitcher(initial="requests", id="switcher"):
                    yield self.requests
                    yield self.diff_view
                yield self.activity
        yield Static(id="too-small")
        yield Footer()

    def on_mount(self) -> None:
        self.register_theme(PROJECTOR)
        self.theme = THEME_NAME
        self._startup()
        if self.live:
            self.set_interval(1 / self.fps, self.refresh_frame, name="frame")
            self.set_interval(1.0, self.tick, name="clocks")
            self.set_interval(1.0, self._poll_status, name="status")

    def on_unmount(self) -> None:
        self._set_tap(None)
        # Worker threads are waited for on exit: ask a running benchmark to stop now.
        self.backend.cancel()

    def on_resize(self, event: Resize) -> None:
        width, height = event.size
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        self.set_class(small, "-too-small")
        self.set_class(height < COMPACT_HEIGHT, "-compact")
        if small:
            self.query_one("#too-small", Static).update(
                f"The terminal is {width}x{height}; the dashboard needs at least "
                f"{MIN_WIDTH}x{MIN_HEIGHT}. Enlarge it or lower the font size."
            )

    # Frames ---------------------------------------------------------------------------

    def refresh_frame(self) -> Frame:
        """Take every buffered event, aggregate, and update each live widget once."""
        self._pump_tap()
        self.stats.add(self.buffer.take())
        frame = self.stats.frame(
            self.clock.time(), received=self.buffer.received, dropped=self.buffer.dropped
        )
        if frame.rows_changed:
            self.requests.show(frame.rows)
        self.metrics.show(frame)
        self.frames_drawn += 1
        return frame

    def tick(self) -> None:
        """Advance the talk and step clocks."""
        now = self.clock.monotonic()
        course = self.course_panel
        course.talk_seconds = now - self._talk_started
        course.step_seconds = now - self._step_started

    def _pump_tap(self) -> None:
        """Poll a tap that has no descriptor to wait on (a pump thread reads the others)."""
        tap = self._tap
        if tap is None or self._pump is not None:
            return
        with contextlib.suppress(OSError):
            for _ in range(8):
                events = tap.drain(DRAIN_LIMIT)
                self.buffer.extend(events)
                if len(events) < DRAIN_LIMIT:
                    break

    def _set_tap(self, tap: TapSource | None) -> None:
        """Switch to another tap reader (a new server); a reader with a socket gets a pump."""
        if tap is self._tap:
            return
        if self._pump is not None:
            self._pump.stop()
            self._pump = None
        self._tap = tap
        if tap is None:
            return
        try:
            fd = tap.fileno()
        except (OSError, ValueError):
            fd = -1
        if fd >= 0:
            self._pump = TapPump(tap, self.buffer, limit=DRAIN_LIMIT).start()

    # Server -----------------------------------------------------------------------------

    def _show_status(self, status: ServerStatus, tap: TapSource | None) -> None:
        self.status = status
        self.server_panel.status = status
        self._set_tap(tap)

    @work(thread=True, group="startup")
    def _startup(self) -> None:
        step = self._call(self.backend.current_step)
        if step is not None:
            self._ui(self._show_step, step)
        self._server_job(self._initial_server, busy="starting the server…")

    def _initial_server(self) -> ServerStatus:
        status = self.backend.server_status()
        if self.start_server_on_mount and not status.up:
            return self.backend.start_server()
        return status

    @work(thread=True, group="status", exclusive=True)
    def _poll_status(self) -> None:
        """Follow the server and the workspace's step (`vibecode next` in another terminal).

        Best effort and quiet: a failure here would repeat every second; actions report theirs.
        """
        if self._step_lock.acquire(blocking=False):
            try:
                step = self.backend.current_step()
            except Exception:
                step = None
            finally:
                self._step_lock.release()
            if step is not None and step != self.step:
                self._ui(self._show_step, step)
        if not self._server_lock.acquire(blocking=False):
            return
        try:
            status = self.backend.server_status()
            tap = self.backend.tap()
        except Exception:
            return
        finally:
            self._server_lock.release()
        self._ui(self._show_status, status, tap)

    def _server_job(self, job: Callable[[], ServerStatus], *, busy: str) -> None:
        """Run a server action in this worker thread, one at a time."""
        panel = self.server_panel
        with self._server_lock:
            self._ui(setattr, panel, "busy", busy)
            try:
                status = self._call(job)
                tap = self._call(self.backend.tap)
            finally:
                self._ui(setattr, panel, "busy", "")
            if status is not None:
                self._ui(self._show_status, status, tap)
                if status.error:
                    self._say_from_thread("The server did not start: see the server panel.", BAD)

    def action_toggle_server(self) -> None:
        """Start the server, or stop it."""
        if self.status is not None and (self.status.up or self.status.running):
            self._server_action("stop")
        else:
            self._server_action("start")

    def action_restart_server(self) -> None:
        """Stop and start the server."""
        self._server_action("restart")

    @work(thread=True, group="server")
    def _server_action(self, what: str) -> None:
        jobs = {
            "start": (self.backend.start_server, "starting the server…"),
            "stop": (self.backend.stop_server, "stopping the server…"),
            "restart": (self.backend.restart_server, "restarting the server…"),
        }
        job, busy = jobs[what]
        self._server_job(job, busy=busy)
        status = self.status
        if status is not None:
            word = "up" if status.up else "down"
            self._say_from_thread(f"Server {what}: {word}.", OK if status.up else WARN)

    # Steps ------------------------------------------------------------------------------

    def _show_step(self, step: int) -> None:
        if step != self.step:
            self._step_started = self.clock.monotonic()
        self.step = step
        self.course_panel.step = step
        self.tick()
        if self.diff_shown:
            self._load_diff()

    def action_next_step(self) -> None:
        """Move to the next step."""
        self._move(+1)

    def action_previous_step(self) -> None:
        """Move to the previous step."""
        self._move(-1)

    @work(thread=True, group="steps")
    def _move(self, delta: int) -> None:
        with self._step_lock:
            target = self.step + delta
            if not 0 <= target <= self.backend.course.last:
                where = "the last step" if delta > 0 else "step 0, the empty workspace"
                self._say_from_thread(f"Already at {where}.", WARN)
                return
            result = self._call(lambda: self.backend.goto(target))
            if result is None:
                return
            self._ui(self._show_step, result.step)
            self._say_from_thread(*self._goto_message(result))
            if result.saved:
                self._ui(
                    self.notify,
                    f"{len(result.saved)} edited file(s): vibecode restore {result.saved_set}",
                    title="Edits saved",
                    severity="warning",
                )

    def _goto_message(self, result: GotoResult) -> tuple[str, str]:
        if result.step == 0:
            title = "the empty workspace"
        else:
            title = self.backend.course.step(result.step).title
        line = f"Step {result.step}: {title}."
        if result.saved:
            files = ", ".join(result.saved)
            restore = f"vibecode restore {result.saved_set}"
            return f"{line} Saved your edits first ({files}); to get them back: {restore}", WARN
        return line, OK

    # Diff -------------------------------------------------------------------------------

    def action_toggle_diff(self) -> None:
        """Show or hide the current step's diff."""
        self.diff_shown = not self.diff_shown
        self.query_one(ContentSwitcher).current = "diff" if self.diff_shown else "requests"
        if self.diff_shown:
            self._load_diff()

    @work(thread=True, group="diff", exclusive=True)
    def _load_diff(self) -> None:
        step = self.step
        diff = self._call(lambda: self.backend.step_diff(step))
        if diff is not None:
            self._ui(self.diff_view.show, step, diff)

    # Demo and bench ---------------------------------------------------------------------

    def _claim_job(self, name: str) -> bool:
        if self._job is not None:
            self._say(f"Wait: the {self._job} is still running.", WARN)
            return False
        self._job = name
        return True

    def action_demo(self) -> None:
        """Fire the current step's demo requests."""
        step = self.step
        if step == 0 or not self.backend.course.step(step).demos:
            self._say(f"Step {step} has no demo requests.", WARN)
            return
        if self._claim_job("demo"):
            self._say(f"Demo of step {step}:", "bold")
            self._run_demo(step)

    @work(thread=True, group="demo")
    def _run_demo(self, step: int) -> None:
        try:
            results = self._call(
                lambda: self.backend.run_demo(step, on_result=self._demo_result_from_thread)
            )
        finally:
            self._job = None
        if results is not None:
            good = sum(1 for r in results if r.ok)
            style = OK if good == len(results) else BAD
            self._say_from_thread(f"Demo done: {good} of {len(results)} as expected.", style)

    def _demo_result_from_thread(self, result: DemoLine) -> None:
        mark, style = ("✓", OK) if result.ok else ("✗", BAD)
        status = status_label(result.status) if result.status is not None else "no answer"
        line = Text.assemble(
            (f"{mark} ", style),
            f"{result.method} {result.path} → ",
            (status, style),
            f"  {latency_label(result.ms)}",
        )
        if result.error:
            line.append(f"  {result.error}", BAD)
        self._ui(self.activity.add, line)

    def action_bench(self) -> None:
        """Run the current step's benchmark scenario; the next press runs its next one."""
        step = self.step
        if step == 0 or not self.backend.course.step(step).benches:
            self._say(f"Step {step} has no benchmark scenario.", WARN)
            return
        if self._claim_job("benchmark"):
            benches = self.backend.course.step(step).benches
            index = self._bench_turn.get(step, 0) % len(benches)
            scenario = benches[index]
            which = f" {index + 1} of {len(benches)}" if len(benches) > 1 else ""
            self._say(f"Benchmark{which} {scenario.name}: {scenario.title}", "bold")
            self._run_bench(step, index)

    @work(thread=True, group="bench")
    def _run_bench(self, step: int, index: int) -> None:
        panel = self.activity
        name = self.backend.course.step(step).benches[index].name
        try:
            outcome: BenchOutcome | None = self._call(
                lambda: self.backend.run_bench(name, on_progress=self._bench_progress_from_thread)
            )
        finally:
            self._job = None
            self._ui(setattr, panel, "progress", "")
        if outcome is not None:
            self._bench_turn[step] = index + 1  # a failed run is retried by the next press
            for line in outcome.lines:
                self._say_from_thread(line, "bold")

    def _bench_progress_from_thread(self, progress: BenchProgress) -> None:
        side = progress.side if len(progress.side) <= 14 else progress.side[:13] + "…"
        line = f"{side} {progress_bar(progress.fraction)} {progress.detail}".rstrip()
        self._ui(setattr, self.activity, "progress", line)

    # Help and messages ------------------------------------------------------------------

    def action_help(self) -> None:
        """Show every key."""
        bindings = [b for b in self.BINDINGS if isinstance(b, Binding)]
        self.push_screen(HelpScreen(bindings, HELP_NOTES))

    def _say(self, line: str, style: str = "") -> None:
        self.activity.add(line, style)

    def _say_from_thread(self, line: str, style: str = "") -> None:
        self._ui(self._say, line, style)

    def _ui(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Run `callback` on the UI thread from a worker; nothing once the app has closed."""
        if not self.is_running:
            return
        # The app may stop between the check and the call.
        with contextlib.suppress(RuntimeError):
            self.call_from_thread(callback, *args, **kwargs)

    def _call(self, job: Callable[[], Any]) -> Any:
        """Run a backend call in a worker thread; a failure becomes a red activity line."""
        try:
            return job()
        except VibecodeError as error:
            self._say_from_thread(str(error), BAD)
        except Exception as error:  # a crash here must not take the talk down with it
            self._say_from_thread(f"unexpected {type(error).__name__}: {error}", BAD)
        return None


def make_dashboard(
    backend: Backend,
    *,
    clock: Clock | None = None,
    live: bool = True,
    start_server: bool = False,
    fps: float = FPS,
) -> DashboardApp:
    """Build the dashboard; the CLI passes the real backend, tests a `FakeBackend`."""
    return DashboardApp(backend, clock=clock, live=live, start_server=start_server, fps=fps)
