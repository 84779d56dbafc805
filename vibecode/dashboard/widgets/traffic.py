"""Requests per second and latency p50/p99 over the last minute, as sparklines with numbers."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, Sparkline

from vibecode.dashboard.widgets.request_table import latency_label


class TrafficRow(Horizontal):
    """One labelled sparkline with its latest value written out."""

    DEFAULT_CSS = """
    TrafficRow { height: 1; }
    TrafficRow > .name { width: 8; text-style: bold; }
    TrafficRow > Sparkline { width: 1fr; margin: 0 1; }
    TrafficRow > .value { width: 10; text-align: right; }
    """

    def __init__(self, name: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title = name
        self.sparkline = Sparkline([], summary_function=max)
        self.value = Label("-", classes="value")

    def compose(self) -> ComposeResult:
        yield Label(self.title, classes="name")
        yield self.sparkline
        yield self.value

    def show(self, series: Sequence[float], value: str) -> None:
        """Draw `series` (oldest first) and the latest value."""
        values = list(series)
        # All zero: no bars at all (Textual draws a flat series as full bars).
        self.sparkline.data = values if any(values) else []
        self.value.update(value)


class TrafficSparklines(Vertical):
    """req/s and the time in the app (p50, p99), one second per bar, the last minute; during a
    benchmark also what its clients wait (p99), which a blocked loop makes seconds long."""

    DEFAULT_CSS = """
    TrafficSparklines { height: auto; }
    TrafficSparklines > #wait { display: none; }
    TrafficSparklines.-bench > #wait { display: block; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.rps = TrafficRow("req/s", id="rps")
        self.p50 = TrafficRow("app p50", id="p50")
        self.p99 = TrafficRow("app p99", id="p99")
        self.wait = TrafficRow("waited", id="wait")
        self.waits: list[float] = []

    def compose(self) -> ComposeResult:
        yield self.rps
        yield self.p50
        yield self.p99
        yield self.wait

    def show_wait(self, p99_ms: float | None) -> None:
        """A benchmark's clients waited this long (p99 so far); None hides the row."""
        if p99_ms is None:
            self.waits.clear()
            self.set_class(False, "-bench")
            return
        self.waits = [*self.waits[-59:], p99_ms]
        self.set_class(True, "-bench")
        self.wait.show(self.waits, f"p99 {_latency(p99_ms)}")

    def show(
        self,
        *,
        rps: Sequence[float],
        p50: Sequence[float],
        p99: Sequence[float],
        rps_now: float,
        p50_now: float | None,
        p99_now: float | None,
    ) -> None:
        """Draw one frame's series."""
        self.rps.show(rps, f"{rps_now:,.0f}/s")
        self.p50.show(p50, _latency(p50_now))
        self.p99.show(p99, _latency(p99_now))


def _latency(ms: float | None) -> str:
    return "-" if ms is None else latency_label(ms)
