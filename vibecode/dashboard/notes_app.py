"""The presenter view (`vibecode notes`): what only the presenter sees, on the laptop screen.

Every talking point of the step (scrollable; what is out of view is counted), what to point at,
the "If it breaks" moves, the next step's title, the talk and step timers with ahead or behind,
what the room sees right now, and the keys. Its keys drive the same talk as the dashboard's: it
moves the workspace itself and hands type, demo, bench and typing keys to the audience view.
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from vibecode.course.templating import talk_text
from vibecode.dashboard.backend import Backend
from vibecode.dashboard.clock import Clock
from vibecode.dashboard.screens.confirm import ConfirmScreen
from vibecode.dashboard.talk_app import SHARED_NOTES, TalkApp
from vibecode.dashboard.theme import ACCENT, BAD, DIM, OK, WARN
from vibecode.dashboard.widgets.key_bar import KeyBar
from vibecode.dashboard.widgets.room_panel import RoomPanel
from vibecode.dashboard.widgets.talk_clock import TalkClockLine
from vibecode.dashboard.widgets.talking_points import TalkingPoints
from vibecode.talk.state import TalkState

HELP_NOTES = {
    **SHARED_NOTES,
    "scroll_down": "scroll the talking points",
    "scroll_up": "scroll the talking points back",
    "scroll_home": "the first talking point",
    "scroll_end": "the last talking point",
}
TYPING_CUES = {
    "enter": "hunk",
    "pagedown": "hunk",
    "tab": "file",
    "end": "file",
    "ctrl+e": "step",
    "escape": "stop",
}
"""Keys of typing, sent to the audience view while it types."""


class NotesApp(TalkApp):
    """The presenter's screen."""

    TITLE = "vibecode notes"
    VIEW = "notes"
    CSS = """
    Screen { layout: vertical; }
    #banner { height: 1; background: #00D7FF; color: #000000; text-style: bold; padding: 0 1;
              text-wrap: nowrap; text-overflow: ellipsis; }
    #clock { height: 1; padding: 0 1; }
    #body { height: 1fr; }
    #points-box { width: 1fr; border: round $primary; border-title-color: $primary;
                  border-title-style: bold; padding: 0 1; }
    #side { width: 42; }
    #side > Static { border: round $secondary; border-title-color: $secondary; padding: 0 1;
                     height: auto; }
    #log { height: 3; padding: 0 1; color: $text-muted; }
    .-narrow #side { display: none; }
    .-narrow #side-line { display: block; }
    #side-line { display: none; height: auto; max-height: 3; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *TalkApp.BINDINGS[:-4],
        Binding("down", "scroll_down", "Scroll", show=False),
        Binding("j", "scroll_down", "Scroll", show=False),
        Binding("up", "scroll_up", "Scroll back", show=False),
        Binding("k", "scroll_up", "Scroll back", show=False),
        Binding("home", "scroll_home", "First point", show=False),
        Binding("end", "scroll_end", "Last point", show=False),
        *TalkApp.BINDINGS[-4:],
    ]
    HELP_NOTES: ClassVar[dict[str, str]] = HELP_NOTES

    def __init__(self, backend: Backend, *, clock: Clock | None = None, live: bool = True) -> None:
        super().__init__(backend, clock=clock, live=live)
        self.banner = Static(id="banner")
        self.clock_line = TalkClockLine(backend.course, id="clock")
        self.points = TalkingPoints(id="points")
        self.room = Static(id="room")
        self.next_step = Static(id="next")
        self.progress = RoomPanel(
            backend.workspace, names=True, last_step=backend.course.last, id="progress"
        )
        self.side_line = Static(id="side-line")
        self.log_line = Static(id="log")
        self.messages: list[str] = []

    def compose(self) -> ComposeResult:
        yield self.banner
        yield self.clock_line
        yield self.side_line
        with Horizontal(id="body"):
            with Vertical(id="points-box") as box:
                box.border_title = "Talking points"
                yield self.points
            with Vertical(id="side"):
                yield self.room
                yield self.next_step
                yield self.progress
        yield self.log_line
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.room.border_title = "The room sees"
        self.next_step.border_title = "Next"
        self._draw_step()

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < 90, "-narrow")

    # Drawing ----------------------------------------------------------------------------------

    def show_step(self, step: int) -> None:
        """The workspace is at `step`: its points, the next step."""
        changed = step != self.step
        super().show_step(step)
        if changed or not self.points.items:
            self._draw_step()

    def _draw_step(self) -> None:
        course = self.backend.course
        if 1 <= self.step <= course.last:
            step = course.step(self.step)
            self.banner.update(
                f"PRESENTER · Step {step.number} of {course.last} · {step.title} "
                f"({step.minutes} min)"
            )
            url = self.backend.server_status().url
            self.points.show(tuple(talk_text(point, url=url) for point in step.talking_points))
        else:
            self.banner.update(f"PRESENTER · Step 0 of {course.last} · the empty workspace")
            self.points.show(("Press n (or t to type it) for step 1.",))
        if self.step < course.last:
            upcoming = course.step(self.step + 1)
            text = Text.assemble(
                (f"Step {upcoming.number}: ", ACCENT),
                upcoming.title,
                (f"  {upcoming.minutes} min", DIM),
            )
        else:
            text = Text("The last step: then the closing.", DIM)
        self.next_step.update(text)
        self._draw_room()

    def _draw_room(self) -> None:
        audience = self.talk.live_audience()
        if audience is None:
            room = Text.assemble(
                ("No audience view: ", WARN), "run `vibecode dashboard` on the projected screen."
            )
        else:
            room = Text(audience.doing or "live requests", OK)
        self.room.update(room)
        self.side_line.update(
            Group(
                Text.assemble(("Room: ", DIM), room),
                Text.assemble(("Next: ", DIM), self._next_text()),
            )
        )

    def _next_text(self) -> str:
        course = self.backend.course
        if self.step < course.last:
            upcoming = course.step(self.step + 1)
            return f"Step {upcoming.number}: {upcoming.title}"
        return "the closing"

    def tick(self) -> None:
        """Redraw the clocks."""
        self.clock_line.clock = self.talk.clock
        self.clock_line.step = self.step
        self.clock_line.now = self.clock.time()

    def talk_changed(self, state: TalkState) -> None:
        """The room's view or the clock changed."""
        super().talk_changed(state)
        self._draw_room()

    # Keys ---------------------------------------------------------------------------------------

    @property
    def room_is_typing(self) -> bool:
        """The audience view types a step now: keys go to it."""
        audience = self.talk.live_audience()
        return audience is not None and audience.doing.startswith("typing")

    def on_key(self, event: events.Key) -> None:
        """While the room types, every key is a typing key for the audience view."""
        if isinstance(self.screen, ConfirmScreen) or not self.room_is_typing:
            return
        cue = TYPING_CUES.get(event.key)
        if cue is None and (event.is_printable or event.key == "space"):
            cue = "key"
        if cue is not None:
            event.stop()
            event.prevent_default()
            self.send_cue(cue)

    def _to_room(self, action: str, what: str) -> None:
        if self.talk.live_audience() is None:
            self.say(f"{what} shows on the audience view: start `vibecode dashboard` first.", WARN)
            return
        self.send_cue(action)
        self.say(f"{what}: sent to the audience view.", OK)

    def action_type_step(self) -> None:
        """Type the next step on the audience view."""
        self._to_room("type", "Typing")

    def action_demo(self) -> None:
        """The paced demo on the audience view (each press: show, send, next)."""
        self._to_room("demo", "Demo")

    def action_bench(self) -> None:
        """The benchmark on the audience view."""
        self._to_room("bench", "Benchmark")

    def action_rescue(self) -> None:
        """Rescue: the audience view runs it (it owns the server); alone, here."""
        if self.talk.live_audience() is not None:
            self._to_room("rescue", "Rescue")
            return
        self._rescue_here()

    def _rescue_here(self) -> None:
        self.say("Rescue: back to this step's checkpoint…", "bold")
        self.run_worker(self._rescue_job, thread=True, group="rescue")

    def _rescue_job(self) -> None:
        result = self._call(self.backend.rescue)
        if result is None:
            return
        self._ui(self.show_step, result.step)
        for line in result.lines:
            self.say_from_thread(line, OK)

    def action_scroll_down(self) -> None:
        """Scroll the points."""
        self.points.scroll_points(3)

    def action_scroll_up(self) -> None:
        """Scroll the points back."""
        self.points.scroll_points(-3)

    def action_scroll_home(self) -> None:
        """Back to the first point."""
        self.points.scroll_points(-10_000)

    def action_scroll_end(self) -> None:
        """To the last point."""
        self.points.scroll_points(10_000)

    def say(self, line: str, style: str = "") -> None:
        """The last lines of what happened, under the points."""
        self.messages = [*self.messages[-2:], line]
        styled = [Text(m, style if m is line else DIM) for m in self.messages]
        if style == BAD:
            styled[-1] = Text(line, BAD)
        self.log_line.update(Group(*styled))


def make_notes(backend: Backend, *, clock: Clock | None = None, live: bool = True) -> NotesApp:
    """Build the presenter view; the CLI passes the real backend, tests a `FakeBackend`."""
    return NotesApp(backend, clock=clock, live=live)
