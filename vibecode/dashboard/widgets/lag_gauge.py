"""The server's event-loop lag as a gauge: it jumps when an endpoint blocks the loop."""

from __future__ import annotations

import math

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from vibecode.dashboard.theme import BAD, DIM, OK, WARN

SLOW_MS = 20.0
BLOCKED_MS = 100.0
SCALE_MAX_MS = 2_000.0
"""The gauge is logarithmic from 1 ms to this."""


def lag_level(ms: float) -> tuple[str, str]:
    """The word and style for a lag: `OK`, `SLOW` or `BLOCKED`."""
    if ms >= BLOCKED_MS:
        return "BLOCKED", BAD
    if ms >= SLOW_MS:
        return "SLOW", WARN
    return "OK", OK


def lag_fraction(ms: float) -> float:
    """Where `ms` sits on the logarithmic scale, 0..1."""
    if ms <= 1.0:
        return 0.0
    return min(1.0, math.log10(ms) / math.log10(SCALE_MAX_MS))


class LagGauge(Static):
    """`loop lag [████░░░░] 737 ms BLOCKED  now 0.7 ms`: the worst of the last seconds, in words."""

    DEFAULT_CSS = """
    LagGauge { height: 1; }
    """

    lag_ms: reactive[float | None] = reactive(None)
    """The latest loop lag the server reported, or None before the first report."""
    peak_ms: reactive[float | None] = reactive(None)
    """The worst lag over the last few seconds."""

    def render(self) -> Text:
        text = Text("loop lag ", "bold", no_wrap=True, overflow="ellipsis")
        if self.lag_ms is None:
            text.append("no reports yet (the tap sends one per second)", DIM)
            return text
        shown = max(self.lag_ms, self.peak_ms or 0.0)
        word, style = lag_level(shown)
        width = 16
        filled = round(lag_fraction(shown) * width)
        text.append("[")
        text.append("█" * filled, style)
        text.append("░" * (width - filled), DIM)
        text.append("] ")
        text.append(f"{shown:,.1f} ms ", "bold")
        text.append(word, style)
        if shown != self.lag_ms:
            text.append(f"  now {self.lag_ms:,.1f} ms", DIM)
        return text
