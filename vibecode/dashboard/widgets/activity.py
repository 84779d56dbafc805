"""What the last key did: demo results, benchmark progress and results, saved files, errors."""

from __future__ import annotations

from collections import deque

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from vibecode.dashboard.theme import ACCENT, DIM

BAR_WIDTH = 24


def progress_bar(fraction: float, width: int = BAR_WIDTH) -> str:
    """`[██████░░░░] 60%`: the number is there, not only the bar."""
    fraction = min(1.0, max(0.0, fraction))
    filled = round(fraction * width)
    return f"[{'█' * filled}{'░' * (width - filled)}] {fraction:4.0%}"


class ActivityPanel(Static):
    """The last few lines of what the dashboard did, with a progress line while a bench runs."""

    DEFAULT_CSS = """
    ActivityPanel {
        border: round $primary;
        border-title-color: $primary;
        border-title-style: bold;
        height: 6;
        padding: 0 1;
        overflow: hidden;
    }
    """

    progress: reactive[str] = reactive("")
    """The running benchmark's progress line, or empty."""

    def __init__(self, *, id: str | None = None, keep: int = 20) -> None:
        super().__init__(id=id)
        self.border_title = "Activity"
        self.lines: deque[Text] = deque(maxlen=keep)

    def add(self, line: str | Text, style: str = "") -> None:
        """Append one line (newest at the bottom)."""
        self.lines.append(line if isinstance(line, Text) else Text(line, style))
        self.refresh()

    @property
    def plain(self) -> str:
        """Every kept line as plain text (for tests and logs)."""
        lines = [line.plain for line in self.lines]
        if self.progress:
            lines.append(self.progress)
        return "\n".join(lines)

    def render(self) -> Text:
        room = max(1, self.size.height - (1 if self.progress else 0))
        lines = list(self.lines)[-room:]
        if not lines and not self.progress:
            return Text("Press ? for the keys.", DIM)
        text = Text(no_wrap=True, overflow="ellipsis")
        for line in lines:
            text.append_text(line)
            text.append("\n")
        if self.progress:
            text.append(self.progress, ACCENT)
        text.rstrip()
        return text
