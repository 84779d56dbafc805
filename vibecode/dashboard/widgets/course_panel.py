"""The course for the room: the steps with the current one marked, its title and goal.

Talking points and recovery notes are the presenter's (`vibecode notes`), not the audience's.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from vibecode.course.manifest import Course
from vibecode.dashboard.theme import ACCENT, DIM, OK

STEP_WINDOW = 9
"""How many steps the list shows at most, centred on the current one."""


def step_list(course: Course, current: int, window: int) -> Text:
    """The steps around `current`, the hidden ones counted: `… 3 earlier`, `… 9 more`."""
    steps = course.steps
    text = Text(no_wrap=True, overflow="ellipsis")
    if not steps:
        return Text("no steps in this course", DIM)
    window = max(1, min(window, len(steps)))
    start = max(0, min(current - 1 - window // 2, len(steps) - window))
    shown = steps[start : start + window]
    if start > 0:
        text.append(f"  … {start} earlier\n", DIM)
    for step in shown:
        if step.number == current:
            text.append(f"▶ {step.number:02d} {step.title}\n", "bold #000000 on #FFD700")
        elif step.number < current:
            text.append(f"✓ {step.number:02d} {step.title}\n", OK)
        else:
            text.append(f"· {step.number:02d} {step.title}\n", DIM)
    after = len(steps) - start - len(shown)
    if after > 0:
        text.append(f"  … {after} more\n", DIM)
    text.rstrip()
    return text


class CoursePanel(Static):
    """Where the talk is: the step list and the current step's goal."""

    DEFAULT_CSS = """
    CoursePanel {
        border: round $primary;
        border-title-color: $primary;
        border-title-style: bold;
        padding: 0 1;
        height: 1fr;
    }
    """

    step: reactive[int] = reactive(0)
    """The current step number (0: the empty workspace before the first step)."""

    def __init__(self, course: Course, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.course = course
        self.border_title = "Course"

    def render(self) -> RenderableType:
        height = self.size.height or 20
        if not 1 <= self.step <= self.course.last:
            card = Text.assemble(
                (f"Step 0 of {self.course.last}: ", ACCENT), "the empty workspace."
            )
        else:
            step = self.course.step(self.step)
            card = Text.assemble(("Goal ", DIM), step.goal)
        lines_left = max(1, height - 3)
        return Group(
            step_list(self.course, self.step, min(STEP_WINDOW, lines_left - 2)), Text(), card
        )
