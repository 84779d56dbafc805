"""The talk timer and the step timer, with ahead or behind against SCRIPT.md's schedule."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from vibecode.course.manifest import Course
from vibecode.dashboard.theme import BAD, DIM, OK, WARN
from vibecode.talk.pace import behind_seconds, pace_text
from vibecode.talk.state import TalkClock


def clock_text(seconds: float) -> str:
    """`MM:SS`, or `H:MM:SS` from an hour on."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class TalkClockLine(Static):
    """`Talk 12:34 ▶  Step 03:10 / 08:00  +01:20 behind`: one line, words beside the colours."""

    DEFAULT_CSS = """
    TalkClockLine { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    now: reactive[float] = reactive(0.0, layout=True)
    """The wall time the line shows (ticked by the app)."""
    clock: reactive[TalkClock] = reactive(TalkClock, always_update=True, layout=True)
    """The shared talk clock."""
    step: reactive[int] = reactive(0, layout=True)

    def __init__(self, course: Course, *, id: str | None = None, keys: bool = True) -> None:
        super().__init__(id=id)
        self.course = course
        self.keys = keys

    def render(self) -> Text:
        clock = self.clock
        talk = clock.talk_seconds(self.now)
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("Talk ", DIM)
        text.append(clock_text(talk), "bold")
        if not clock.started:
            text.append(" not started" + (" (c starts it)" if self.keys else ""), WARN)
            return text
        text.append(" ▶ running" if clock.running else " ⏸ paused", OK if clock.running else WARN)
        step_seconds = clock.step_seconds(self.now) if clock.step == self.step else 0.0
        text.append("   Step ", DIM)
        text.append(clock_text(step_seconds), "bold")
        if 1 <= self.step <= self.course.last:
            budget = self.course.step(self.step).minutes
            text.append(f" / {budget:02d}:00", DIM)
            behind = behind_seconds(self.course, self.step, talk, step_seconds)
            style = BAD if behind >= 60 else WARN if behind >= 15 else OK
            text.append(f"   {pace_text(behind)}", style)
        return text
