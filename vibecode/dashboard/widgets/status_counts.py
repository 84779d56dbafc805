"""Requests per status class since the start, and what the dashboard had to drop."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from vibecode.dashboard.theme import BAD, DIM, OK, WARN

CLASS_STYLES = {"2xx": OK, "3xx": "bold #00D7FF", "4xx": WARN, "5xx": BAD}


class StatusCounts(Static):
    """`2xx 120  3xx 0  4xx 3  5xx 1  · dropped 0`: counts as numbers, classes as words."""

    DEFAULT_CSS = """
    StatusCounts { height: 1; }
    """

    counts: reactive[dict[str, int]] = reactive(dict, always_update=True)
    """Requests per status class."""
    dropped: reactive[int] = reactive(0)
    """Events the dashboard dropped to keep up."""

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        for name, style in CLASS_STYLES.items():
            text.append(f"{name} ", style)
            text.append(f"{self.counts.get(name, 0):,}  ", "bold")
        text.append("· dropped ", DIM)
        text.append(f"{self.dropped:,}", WARN if self.dropped else "bold")
        return text
