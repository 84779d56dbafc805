"""The course: the steps with the current one marked, its goal, budget, talking points, clocks."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import Static

from vibecode.course.manifest import Course
from vibecode.dashboard.theme import ACCENT, BAD, DIM, OK

STEP_WINDOW = 7
"""How many steps the list shows at most, centred on the current one."""
SHORT_WINDOW = 3
"""The list in a short panel: the previous, the current and the next step."""
SHORT_PANEL = 24
"""Panels shorter than this many rows get the short list."""


def clock_text(seconds: float) -> str:
    """`MM:SS`, or `H:MM:SS` from an hour on."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class CoursePanel(Vertical):
    """Where the talk is: step list, the current step's card and the two elapsed clocks."""

    DEFAULT_CSS = """
    CoursePanel {
        border: round $primary;
        border-title-color: $primary;
        border-title-style: bold;
        padding: 0 1;
        height: 1fr;
    }
    CoursePanel > #clocks { height: 1; }
    CoursePanel > #steps {
        height: auto;
        margin-bottom: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    CoursePanel > #card { height: 1fr; }
    """

    step: reactive[int] = reactive(0)
    """The current step number (0: the empty workspace before the first step)."""
    talk_seconds: reactive[float] = reactive(0.0)
    """Time since the talk (the dashboard) started."""
    step_seconds: reactive[float] = reactive(0.0)
    """Time since the current step was reached."""

    def __init__(self, course: Course, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.course = course
        self.border_title = "Course"
        self.clocks = Static(id="clocks")
        self.steps = Static(id="steps")
        self.card = Static(id="card")

    def compose(self) -> ComposeResult:
        yield self.clocks
        yield self.steps
        yield self.card

    def on_mount(self) -> None:
        self._render_all()

    def on_resize(self) -> None:
        self.steps.update(self._steps())

    @property
    def window(self) -> int:
        """How many steps the list shows, given the panel's height."""
        return SHORT_WINDOW if 0 < self.size.height < SHORT_PANEL else STEP_WINDOW

    def watch_step(self) -> None:
        if self.is_mounted:
            self._render_all()

    def watch_talk_seconds(self) -> None:
        if self.is_mounted:
            self.clocks.update(self._clocks())

    def watch_step_seconds(self) -> None:
        if self.is_mounted:
            self.clocks.update(self._clocks())

    def _render_all(self) -> None:
        self.clocks.update(self._clocks())
        self.steps.update(self._steps())
        self.card.update(self._card())

    def _budget(self) -> int | None:
        if 1 <= self.step <= self.course.last:
            return self.course.step(self.step).minutes
        return None

    def _clocks(self) -> Text:
        text = Text.assemble(("Talk ", DIM), (clock_text(self.talk_seconds), "bold"))
        text.append("   Step ", DIM)
        text.append(clock_text(self.step_seconds), "bold")
        budget = self._budget()
        if budget is not None:
            text.append(f" / {budget:02d}:00", DIM)
            over = self.step_seconds - budget * 60
            if over > 0:
                text.append(f"  OVER +{clock_text(over)}", BAD)
        return text

    def _steps(self) -> Text:
        steps = self.course.steps
        text = Text(no_wrap=True, overflow="ellipsis")
        if not steps:
            return Text("no steps in this course", DIM)
        window = self.window
        start = max(0, min(self.step - 1 - window // 2, len(steps) - window))
        shown = steps[start : start + window]
        if start > 0:
            text.append(f"  … {start} earlier\n", DIM)
        for step in shown:
            if step.number == self.step:
                text.append(f"▶ {step.number:02d} {step.title}\n", "bold #000000 on #FFD700")
            elif step.number < self.step:
                text.append(f"✓ {step.number:02d} {step.title}\n", OK)
            else:
                text.append(f"· {step.number:02d} {step.title}\n", DIM)
        after = len(steps) - start - len(shown)
        if after > 0:
            text.append(f"  … {after} more\n", DIM)
        text.rstrip()
        return text

    def _card(self) -> RenderableType:
        if not 1 <= self.step <= self.course.last:
            return Text.assemble(
                (f"Step 0 of {self.course.last}: ", ACCENT),
                "the empty workspace.\nPress ",
                ("n", ACCENT),
                " for the first step.",
            )
        step = self.course.step(self.step)
        heading = Text.assemble(
            (f"Step {step.number} of {self.course.last}: ", ACCENT), (step.title, "bold")
        )
        goal = Text.assemble(("Goal ", DIM), step.goal)
        budget = Text.assemble(("Budget ", DIM), f"{step.minutes} min", ("  Talking points:", DIM))
        points = [Text.assemble(("• ", ACCENT), point) for point in step.talking_points]
        return Group(heading, goal, budget, *points)
