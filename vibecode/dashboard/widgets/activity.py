"""What the last key did: demo results, benchmark progress and results, saved files, errors."""

from __future__ import annotations

from collections import deque

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import Static

from vibecode.dashboard.theme import ACCENT, DIM

BAR_WIDTH = 16


def progress_bar(fraction: float, width: int = BAR_WIDTH) -> str:
    """`[██████░░░░]  60%`: the number is there, not only the bar."""
    fraction = min(1.0, max(0.0, fraction))
    filled = round(fraction * width)
    return f"[{'█' * filled}{'░' * (width - filled)}] {fraction:4.0%}"


class ActivityLog(Static):
    """The newest lines that fit, newest at the bottom; long lines wrap."""

    def __init__(self, *, keep: int) -> None:
        super().__init__()
        self.texts: deque[Text] = deque(maxlen=keep)

    def add(self, text: Text) -> None:
        """One more line."""
        self.texts.append(text)
        self.refresh()

    def render(self) -> Text:
        width = max(1, self.size.width)
        height = max(1, self.size.height)
        rows: list[Text] = []
        for text in reversed(self.texts):  # newest first, until the box is full
            wrapped = list(text.wrap(self.app.console, width))
            rows[:0] = wrapped
            if len(rows) >= height:
                break
        return Text("\n").join(rows[-height:])


class ActivityPanel(Vertical):
    """A log of what the dashboard did (newest at the bottom) and a benchmark's progress line."""

    DEFAULT_CSS = """
    ActivityPanel {
        border: round $primary;
        border-title-color: $primary;
        border-title-style: bold;
        height: 6;
        padding: 0 1;
    }
    ActivityPanel > ActivityLog { height: 1fr; background: $background; }
    ActivityPanel > #progress {
        height: 1;
        display: none;
        color: $primary;
        text-style: bold;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    ActivityPanel.-busy > #progress { display: block; }
    """

    progress: reactive[str] = reactive("")
    """The running benchmark's progress line, or empty."""

    def __init__(self, *, id: str | None = None, keep: int = 200) -> None:
        super().__init__(id=id)
        self.border_title = "Activity"
        self.lines: deque[str] = deque(maxlen=keep)
        self.log_view = ActivityLog(keep=keep)
        self.progress_line = Static(id="progress")

    def compose(self) -> ComposeResult:
        yield self.log_view
        yield self.progress_line

    def on_mount(self) -> None:
        self.log_view.add(Text("Press ? for the keys.", DIM))

    def add(self, line: str | Text, style: str = "") -> None:
        """Append one line (newest at the bottom; long lines wrap)."""
        text = line if isinstance(line, Text) else Text(line, style)
        self.lines.append(text.plain)
        self.log_view.add(text)

    def watch_progress(self, line: str) -> None:
        self.progress_line.update(Text(line, ACCENT))
        self.set_class(bool(line), "-busy")

    @property
    def plain(self) -> str:
        """Every kept line as plain text (for tests and logs)."""
        lines = list(self.lines)
        if self.progress:
            lines.append(self.progress)
        return "\n".join(lines)
