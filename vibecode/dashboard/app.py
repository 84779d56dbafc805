"""The audience view: `DashboardApp` and the `make_dashboard` factory the CLI and the tests share.

What the room sees, in large clear lines: the step's title, the code being typed (or the step's
diff), the live requests, a paced demo, the running benchmark. No talking points and no recovery
notes: those are the presenter's (`vibecode notes`). The keys of either view drive the same talk;
the cues the presenter view sends (type, demo, bench and the keys of typing) run here.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.widgets import ContentSwitcher, Static

from vibecode import terminal
from vibecode.dashboard.backend import (
    Backend,
    BenchOutcome,
    BenchProgress,
    DemoLine,
    PacedDemo,
    ServerStatus,
    TypingJob,
)
from vibecode.dashboard.clock import Clock
from vibecode.dashboard.live import EventBuffer, Frame, LiveStats
from vibecode.dashboard.screens.confirm import ConfirmScreen
from vibecode.dashboard.talk_app import SHARED_NOTES, TalkApp
from vibecode.dashboard.theme import BAD, OK, WARN
from vibecode.dashboard.widgets.activity import ActivityPanel
from vibecode.dashboard.widgets.bench_panel import BenchPanel
from vibecode.dashboard.widgets.course_panel import CoursePanel
from vibecode.dashboard.widgets.demo_panel import DemoPanel
from vibecode.dashboard.widgets.diff_view import DiffView
from vibecode.dashboard.widgets.key_bar import KeyBar
from vibecode.dashboard.widgets.metrics_panel import MetricsPanel
from vibecode.dashboard.widgets.request_table import RequestTable, latency_label, status_label
from vibecode.dashboard.widgets.room_panel import RoomPanel
from vibecode.dashboard.widgets.server_panel import ServerPanel
from vibecode.dashboard.widgets.talk_clock import TalkClockLine
from vibecode.dashboard.widgets.typing_panel import TypingPanel
from vibecode.talk.state import Cue, TalkState
from vibecode.tap.subscription import Subscription, TapSource

FPS = 5.0
"""Frames per second of the live panels (the requirement is 4 or more)."""
COMPACT_WIDTH = terminal.FULL_WIDTH
COMPACT_HEIGHT = terminal.FULL_HEIGHT
"""Below either, one column: the course and the server shrink to a line each."""
SHORT_HEIGHT = 30
"""Below this, the traffic panel gives its rows to the main view."""
DRAIN_LIMIT = 2_000
"""Events taken from the tap per read; the ring buffer bounds what waits between frames."""
TYPING_FRAME_S = 1 / 60
SAY_EVERY_S = 0.1
"""How often, at most, the audience view tells the presenter's what it shows."""

HELP_NOTES = {
    **SHARED_NOTES,
    "toggle_server": "start the server, or stop the one the dashboard started (asks first)",
    "restart_server": "stop, then start again",
    "toggle_diff": "show what this step changes, in place of the live table",
}
TYPING_KEYS = "keys type · Enter: hunk · Tab: file · Ctrl-E: step · Esc: pause"


class DashboardApp(TalkApp):
    """The projected screen: course, live requests, typing, demo, bench; driven by single keys."""

    TITLE = "vibecode dashboard"
    VIEW = "dashboard"
    CSS = """
    Screen { layout: vertical; }
    #banner { height: 1; background: #FFD700; color: #000000; }
    .-compact #banner { height: 2; layout: vertical; }
    .-compact #banner > #title { width: 100%; }
    .-compact #banner > TalkClockLine { width: 100%; }
    #banner > #title { width: 1fr; text-style: bold; padding: 0 1; text-wrap: nowrap;
                       text-overflow: ellipsis; }
    #banner > TalkClockLine { width: auto; padding: 0 1; background: #000000; }
    #body { height: 1fr; }
    #left { width: 38%; min-width: 36; max-width: 60; }
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
    .-compact #left { display: none; }
    .-compact #compact-server { display: block; }
    #compact-server { display: none; }
    .-compact ActivityPanel { height: 4; }
    .-short MetricsPanel { display: none; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *TalkApp.BINDINGS[:-4],
        Binding("v", "toggle_diff", "Diff"),
        Binding("s", "toggle_server", "Server"),
        Binding("r", "restart_server", "Restart"),
        *TalkApp.BINDINGS[-4:],
    ]
    HELP_NOTES: ClassVar[dict[str, str]] = HELP_NOTES

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
        super().__init__(backend, clock=clock, live=live)
        self.start_server_on_mount = start_server
        self.fps = fps
        self.buffer = EventBuffer(buffer_capacity)
        self.stats = LiveStats()
        self.frames_drawn = 0
        self.status: ServerStatus | None = None
        self.diff_shown = False
        self.last_frame: Frame | None = None
        self._tap: TapSource | None = None
        self._pump: Subscription | None = None
        self._server_lock = threading.Lock()
        self._job: str | None = None
        self._bench_turn: dict[int, int] = {}
        self._bench_paths: dict[str, str] = {}
        """The running scenario's path per side: its requests in the tap give "app p99"."""
        """Per step, which of its benchmark scenarios `b` runs next."""
        self._seen_cue = -1
        """The newest cue already run (-1: not read yet; cues from before the start are old)."""
        self.typing: TypingJob | None = None
        self.typing_auto_cps: float | None = None
        self._typing_tick = 0.0
        self.demo: PacedDemo | None = None
        self.demo_index = 0
        self.demo_answered = False
        self.demo_results: list[DemoLine] = []
        self._last_say = 0.0
        self._doing_now = "live requests"
        self._say_lock = threading.Lock()
        self.banner_title = Static(id="title")
        self.clock_line = TalkClockLine(backend.course, id="clock")
        self.course_panel = CoursePanel(backend.course, id="course")
        self.server_panel = ServerPanel(id="server")
        self.room_panel = RoomPanel(
            backend.workspace, names=False, last_step=backend.course.last, id="room"
        )
        self.compact_server = ServerPanel(id="compact-server")
        self.compact_server.compact = True
        self.compact_server.add_class("-compact")
        self.metrics = MetricsPanel(id="metrics")
        self.requests = RequestTable(id="requests")
        self.diff_view = DiffView(id="diff")
        self.typing_panel = TypingPanel(id="typing", hint=TYPING_KEYS)
        self.bench_panel = BenchPanel(id="bench")
        self.demo_panel = DemoPanel(id="demo")
        self.activity = ActivityPanel(id="activity")

    # Layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="banner"):
            yield self.banner_title
            yield self.clock_line
        yield self.compact_server
        with Horizontal(id="body"):
            with Vertical(id="left"):
                yield self.course_panel
                yield self.server_panel
                yield self.room_panel
            with Vertical(id="right"):
                yield self.metrics
                with ContentSwitcher(initial="requests", id="switcher"):
                    yield self.requests
                    yield self.diff_view
                    yield self.typing_panel
                    yield self.bench_panel
                    yield self.demo_panel
                yield self.activity
        yield Static(id="too-small")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self._draw_banner()
        if self.live:
            self.set_interval(1 / self.fps, self.refresh_frame, name="frame")
            self.set_interval(1.0, self._poll_status, name="status")
            self.set_interval(TYPING_FRAME_S, self._typing_frame, name="typing")

    def on_unmount(self) -> None:
        self._set_tap(None)
        if self.typing is not None:
            self.typing.stop()
        # Worker threads are waited for on exit: ask a running benchmark to stop now.
        self.backend.cancel()
        with contextlib.suppress(Exception):
            self.backend.talk.leave()

    def on_resize(self, event: Resize) -> None:
        width, height = event.size
        small = not terminal.fits(width, height)
        self.set_class(small, "-too-small")
        self.set_class(width < COMPACT_WIDTH or height < COMPACT_HEIGHT, "-compact")
        self.set_class(height < SHORT_HEIGHT, "-short")
        if small:
            self.query_one("#too-small", Static).update(
                f"The terminal is {width}x{height}; the dashboard needs at least "
                f"{terminal.minimum()}. Enlarge it or lower the font size."
            )

    def _draw_banner(self) -> None:
        course = self.backend.course
        if 1 <= self.step <= course.last:
            title = f"Step {self.step} of {course.last} · {course.step(self.step).title}"
        else:
            title = f"Step 0 of {course.last} · the empty workspace: n or t starts"
        self.banner_title.update(title)

    def tick(self) -> None:
        """Redraw the clocks."""
        self.clock_line.clock = self.talk.clock
        self.clock_line.step = self.step
        self.clock_line.now = self.clock.time()

    # Frames -----------------------------------------------------------------------------------

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
        self.last_frame = frame
        self.frames_drawn += 1
        return frame

    def _pump_tap(self) -> None:
        """Poll a tap that has no descriptor to wait on (a pump thread reads the others)."""
        tap = self._tap
        if tap is None or self._pump is not None:
            return
        with contextlib.suppress(OSError):
            for _ in range(8):
                events_ = tap.drain(DRAIN_LIMIT)
                self.buffer.extend(events_)
                if len(events_) < DRAIN_LIMIT:
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
            self._pump = Subscription(
                tap, self.buffer.extend, name="vibecode-tap-pump", limit=DRAIN_LIMIT
            ).start()

    # Following ----------------------------------------------------------------------------------

    def show_step(self, step: int) -> None:
        """Draw step `step` everywhere."""
        super().show_step(step)
        self.course_panel.step = step
        self._draw_banner()
        if self.diff_shown:
            self._load_diff()

    def talk_changed(self, state: TalkState) -> None:
        """Run the presenter view's cues that are new."""
        super().talk_changed(state)
        if self._seen_cue < 0:
            self._seen_cue = state.last_cue  # older cues were meant for an earlier dashboard
            return
        for cue in state.cues_after(self._seen_cue):
            self._seen_cue = cue.id
            if cue.by != self.VIEW:
                self.run_cue(cue)

    def run_cue(self, cue: Cue) -> None:
        """A key pressed in the presenter view."""
        typing_keys: dict[str, Callable[[], None]] = {
            "key": self.type_key,
            "hunk": self.action_typing_hunk,
            "file": self.action_typing_file,
            "step": self.action_typing_step,
            "stop": self.action_escape,
        }
        actions: dict[str, Callable[[], None]] = {
            "type": self.action_type_step,
            "demo": self.action_demo,
            "bench": self.action_bench,
            "rescue": self.action_rescue,
            **typing_keys,
        }
        action = actions.get(cue.action)
        if action is not None:
            action()

    def started(self) -> None:
        """Say that this view runs the cues; start (or find) the server."""
        self._call(lambda: self.backend.talk.say(self._doing()))
        self._ui(self._read_talk_first)
        self._server_job(self._initial_server, busy="starting the server…")

    def _read_talk_first(self) -> None:
        self.talk_changed(self.backend.talk.read())

    def _initial_server(self) -> ServerStatus:
        status = self.backend.server_status()
        if self.start_server_on_mount and not status.up:
            return self.backend.start_server()
        return status

    # Server -------------------------------------------------------------------------------------

    def _show_status(self, status: ServerStatus, tap: TapSource | None) -> None:
        self.status = status
        self.server_panel.status = status
        self.compact_server.status = status
        self._set_tap(tap)

    @work(thread=True, group="status", exclusive=True)
    def _poll_status(self) -> None:
        """Follow the server (started or stopped elsewhere); quiet, like the step's following."""
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

    def _server_job(self, job: Callable[[], ServerStatus], *, busy: str) -> bool:
        """Run a server action in this worker thread, one at a time; False when it failed."""
        panels = (self.server_panel, self.compact_server)
        with self._server_lock:
            for panel in panels:
                self._ui(setattr, panel, "busy", busy)
            try:
                status = self._call(job)
                tap = self._call(self.backend.tap)
            finally:
                for panel in panels:
                    self._ui(setattr, panel, "busy", "")
            if status is None:
                return False
            self._ui(self._show_status, status, tap)
            if status.error:
                self.say_from_thread("The server did not start: see the server panel.", BAD)
                return False
            return True

    def action_toggle_server(self) -> None:
        """Ask, then start the server or stop it."""
        running = self.status is not None and (self.status.up or self.status.running)
        what = "stop" if running else "start"
        question = "Stop the server?" if running else "Start the server?"
        detail = "Requests fail until it starts again." if running else ""

        def answered(yes: bool | None) -> None:
            if yes:
                self._server_action(what)

        self.push_screen(ConfirmScreen(question, detail), answered)

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
        if not self._server_job(job, busy=busy):
            return  # the refusal or the failure is already on screen: no success line
        status = self.status
        if status is not None:
            word = "up" if status.up else "down"
            self.say_from_thread(f"Server {what}: {word}.", OK if status.up else WARN)

    def quit_detail(self) -> str:
        """What quitting does to the server."""
        if self.status is not None and self.status.attached:
            return "`vibecode serve` keeps running."
        if self.status is not None and self.status.running:
            return "The server the dashboard started stops."
        return ""

    # Switcher -------------------------------------------------------------------------------------

    def _switch(self, name: str) -> None:
        self.query_one(ContentSwitcher).current = name
        self.diff_shown = name == "diff"
        self.set_class(name == "bench", "-bench-running")

    def action_toggle_diff(self) -> None:
        """Show or hide the current step's diff."""
        self._switch("requests" if self.diff_shown else "diff")
        if self.diff_shown:
            self._load_diff()

    @work(thread=True, group="diff", exclusive=True)
    def _load_diff(self) -> None:
        step = self.step
        diff = self._call(lambda: self.backend.step_diff(step))
        if diff is not None:
            self._ui(self.diff_view.show, step, diff)

    def action_escape(self) -> None:
        """Leave typing (paused) or a demo; back to the live requests."""
        if self.typing is not None:
            self._pause_typing()
        elif self.demo is not None:
            self._end_demo()
        else:
            self._switch("requests")

    # Jobs ---------------------------------------------------------------------------------

    def _claim_job(self, name: str) -> bool:
        if self._job is not None:
            self.say(f"Wait: the {self._job} is still running.", WARN)
            return False
        self._job = name
        return True

    def _doing(self) -> str:
        if self.typing is not None and self.typing.player is not None and not self.typing.at_end:
            return f"typing {self.typing.player.where()}"
        if self.demo is not None:
            state = "answered" if self.demo_answered else "waiting for d to send"
            return f"demo {self.demo_index + 1} of {self.demo.total}, {state}"
        if self._job is not None:
            return f"{self._job} running"
        return "live requests"

    def _say_doing(self, *, force: bool = False) -> None:
        """Tell the presenter view what the room sees (at most ten times a second)."""
        now = time.monotonic()
        if not force and now - self._last_say < SAY_EVERY_S:
            return
        self._last_say = now
        self._doing_now = self._doing()
        self._say_job()

    @work(thread=True, group="say")
    def _say_job(self) -> None:
        # Whichever job writes last writes the newest words: they are read under the lock.
        with self._say_lock, contextlib.suppress(Exception):
            self.backend.talk.say(self._doing_now)

    # Typing ---------------------------------------------------------------------------------------

    def action_type_step(self) -> None:
        """Type the next step live (or resume the one paused)."""
        if self.typing is not None:
            self._switch("typing")
            return
        if self._claim_job("typing"):
            self._begin_typing()

    @work(thread=True, group="typing")
    def _begin_typing(self) -> None:
        number = self._call(self.backend.next_to_type)
        job: TypingJob | None = None
        if number is not None:
            job = self._call(lambda: self.backend.typist(number, on_saved=self._saved_from_thread))
        if job is not None and self._call(job.begin) is not False and job.player is not None:
            self._ui(self._typing_started, job)
            return
        self._job = None

    def _saved_from_thread(self, path: str, set_id: str) -> None:
        self.say_from_thread(f"Saved your edit of {path} first: vibecode restore {set_id}", WARN)

    def _typing_started(self, job: TypingJob) -> None:
        self.typing = job
        self._switch("typing")
        assert job.player is not None
        self.say(f"Typing step {job.number}: {job.player.plan.title}", "bold")
        self._draw_typing()

    def _draw_typing(self) -> None:
        job = self.typing
        if job is None or job.player is None:
            return
        self.typing_panel.show(job.player, written=job.written)
        self._say_doing(force=job.at_end)
        if job.at_end:
            self._finish_typing(job)

    def type_key(self) -> None:
        """One key of magic typing."""
        if self.typing is not None:
            self.typing.press()
            self._draw_typing()

    def action_typing_hunk(self) -> None:
        """The rest of the hunk."""
        if self.typing is not None:
            self.typing.finish_hunk()
            self._draw_typing()

    def action_typing_file(self) -> None:
        """The rest of the file."""
        if self.typing is not None:
            self.typing.finish_file()
            self._draw_typing()

    def action_typing_step(self) -> None:
        """The rest of the step."""
        if self.typing is not None:
            self.typing.finish_step()
            self._draw_typing()

    def _typing_frame(self) -> None:
        """Unattended typing (`typing_auto_cps`), one frame's characters."""
        if self.typing is None or self.typing_auto_cps is None:
            return
        now = time.monotonic()
        elapsed = now - self._typing_tick if self._typing_tick else 0.0
        self._typing_tick = now
        self.typing.advance(self.typing_auto_cps * elapsed)
        self._draw_typing()

    def _pause_typing(self) -> None:
        job = self.typing
        if job is None:
            return
        self.typing = None
        self._job = None
        job.stop()
        self._switch("requests")
        where = job.player.where() if job.player is not None else ""
        self.say(f"Typing paused at {where}: t resumes.", WARN)
        self._say_doing(force=True)

    def _finish_typing(self, job: TypingJob) -> None:
        self.typing = None
        self._finish_typing_job(job)

    @work(thread=True, group="typing")
    def _finish_typing_job(self, job: TypingJob) -> None:
        try:
            done = self._call(job.finish)
        finally:
            self._job = None
            self._ui(self._say_doing, force=True)
        if done is not False:
            step = self._call(self.backend.current_step)
            if step is not None:
                self._ui(self.show_step, step)
            self.say_from_thread(
                f"Step {job.number} typed: the workspace equals its checkpoint.", OK
            )

    def on_key(self, event: events.Key) -> None:
        """While typing, every printable key types and the typing keys act; nothing else.

        During a paced demo a clicker's keys (PageDown, →, space, Enter) send and show requests.
        """
        if isinstance(self.screen, ConfirmScreen):
            return
        if self.demo is not None and self.typing is None:
            demo_keys = {
                "pagedown": self._demo_next,
                "right": self._demo_next,
                "space": self._demo_next,
                "enter": self._demo_next,
                "escape": self._end_demo,
            }
            demo_action = demo_keys.get(event.key)
            if demo_action is not None:
                event.stop()
                event.prevent_default()
                demo_action()
            return
        if self.typing is None:
            return
        keys: dict[str, Callable[[], None]] = {
            "enter": self.action_typing_hunk,
            "pagedown": self.action_typing_hunk,
            "tab": self.action_typing_file,
            "end": self.action_typing_file,
            "ctrl+e": self.action_typing_step,
            "escape": self.action_escape,
        }
        action = keys.get(event.key)
        if action is None and (event.is_printable or event.key == "space"):
            action = self.type_key
        if action is not None:
            event.stop()
            event.prevent_default()
            action()

    # Demo ---------------------------------------------------------------------------------------

    def action_demo(self) -> None:
        """Paced demo: the first press shows a request, the next sends it, the next shows more."""
        if self.demo is not None:
            self._demo_next()
            return
        step = self.step
        if step == 0 or not self.backend.course.step(step).demos:
            self.say(f"Step {step} has no demo requests.", WARN)
            return
        if self._claim_job("demo"):
            self.say(f"Demo of step {step}: d shows each request, d again sends it.", "bold")
            self._start_demo(step)

    @work(thread=True, group="demo")
    def _start_demo(self, step: int) -> None:
        demo = self._call(lambda: self.backend.paced_demo(step))
        if demo is None:
            self._job = None
            return
        self._ui(self._demo_ready, demo)

    def _demo_ready(self, demo: PacedDemo) -> None:
        self.demo = demo
        self.demo_index = 0
        self.demo_answered = False
        self.demo_results = []
        self._switch("demo")
        self._show_preview()

    def _show_preview(self) -> None:
        demo = self.demo
        assert demo is not None
        self.demo_panel.request(self.demo_index + 1, demo.total, demo.preview(self.demo_index))
        self._say_doing(force=True)

    def _demo_next(self) -> None:
        demo = self.demo
        assert demo is not None
        if not self.demo_answered:
            self._send_demo(self.demo_index)
            return
        if self.demo_index + 1 >= demo.total:
            self._end_demo()
            return
        self.demo_index += 1
        self.demo_answered = False
        self._show_preview()

    @work(thread=True, group="demo", exclusive=True)
    def _send_demo(self, index: int) -> None:
        demo = self.demo
        if demo is None:
            return
        line = self._call(lambda: demo.send(index))
        if line is not None:
            self._ui(self._demo_answer, index, line)

    def _demo_answer(self, index: int, line: DemoLine) -> None:
        demo = self.demo
        if demo is None or index != self.demo_index:
            return
        self.demo_answered = True
        self.demo_results.append(line)
        self.demo_panel.answer(line, last=index + 1 >= demo.total)
        self.activity.add(_demo_line(line))
        self._say_doing(force=True)

    def _end_demo(self) -> None:
        results, total = self.demo_results, self.demo.total if self.demo else 0
        self.demo = None
        self._job = None
        self._switch("requests")
        good = sum(1 for r in results if r.ok)
        style = OK if results and good == len(results) else WARN if not results else BAD
        if len(results) == total:
            self.say(f"Demo done: {good} of {total} as expected.", style)
        else:
            self.say(
                f"Demo ended after {len(results)} of {total} requests: {good} as expected.", style
            )
        self._say_doing(force=True)

    # Bench ----------------------------------------------------------------------------------------

    def action_bench(self) -> None:
        """Run the current step's benchmark scenario live; the next press runs its next one."""
        step = self.step
        if step == 0 or not self.backend.course.step(step).benches:
            self.say(f"Step {step} has no benchmark scenario.", WARN)
            return
        if self._claim_job("benchmark"):
            benches = self.backend.course.step(step).benches
            index = self._bench_turn.get(step, 0) % len(benches)
            scenario = benches[index]
            which = f" {index + 1} of {len(benches)}" if len(benches) > 1 else ""
            self.say(f"Benchmark{which} {scenario.name}: {scenario.title}", "bold")
            self.bench_panel.begin(scenario.title, [scenario.a.label, scenario.b.label])
            self._bench_paths = {
                target.label: target.path.split("?")[0] for target in (scenario.a, scenario.b)
            }
            self._switch("bench")
            self._say_doing(force=True)
            self._run_bench(step, index)

    @work(thread=True, group="bench")
    def _run_bench(self, step: int, index: int) -> None:
        name = self.backend.course.step(step).benches[index].name
        try:
            outcome: BenchOutcome | None = self._call(
                lambda: self.backend.run_bench(name, on_progress=self._bench_progress_from_thread)
            )
        finally:
            self._job = None
            self._ui(self.metrics.traffic.show_wait, None)
        if outcome is not None:
            self._bench_turn[step] = index + 1  # a failed run is retried by the next press
            self._ui(self.bench_panel.finish, outcome.lines)
            for line in outcome.lines:
                self.say_from_thread(line, "bold")
        self._ui(self._say_doing, force=True)

    def _bench_progress_from_thread(self, progress: BenchProgress) -> None:
        self._ui(self._bench_progress, progress)

    def _bench_progress(self, progress: BenchProgress) -> None:
        self.bench_panel.feed(progress, app_p99_ms=self._app_p99(progress.side))
        # The room's eyes are on the traffic panel: the clients' wait goes beside the app's time.
        self.metrics.traffic.show_wait(progress.p99_ms)

    def _app_p99(self, side: str) -> float | None:
        """The time in the app of the side's own latest requests (from the tap), p99."""
        frame, paths = self.last_frame, self._bench_paths
        if frame is None or side not in paths:
            return None
        path = paths[side]
        times = sorted(row.ms for row in frame.rows if row.path.split("?")[0] == path)
        return times[min(len(times) - 1, int(0.99 * len(times)))] if times else None

    # Rescue ---------------------------------------------------------------------------------------

    def action_rescue(self) -> None:
        """Back to this step's checkpoint (edits saved), database rebuilt, server ready."""
        if self.typing is not None:
            self._pause_typing()
        if self._claim_job("rescue"):
            self.say("Rescue: back to this step's checkpoint…", "bold")
            self._rescue()

    @work(thread=True, group="rescue")
    def _rescue(self) -> None:
        try:
            result = self._call(self.backend.rescue)
        finally:
            self._job = None
        if result is None:
            return
        self._ui(self.show_step, result.step)
        for line in result.lines:
            self.say_from_thread(line, OK)
        self._poll_status()

    # Messages -------------------------------------------------------------------------------------

    def say(self, line: str, style: str = "") -> None:
        """A line in the activity panel."""
        self.activity.add(line, style)


def _demo_line(result: DemoLine) -> Text:
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
    return line


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
