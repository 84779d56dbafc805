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
    TrafficRow > .name { width: 6; text-style: bold; }
    TrafficRow > Sparkline { width: 1fr; margin: 0 1; }
    TrafficRow > .value { width: 10; text-align: right; }
    """

    def __init__(self, name: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title = name
        self.sparkline = Sparkline([0.0], summary_function=max)
        self.value = Label("-", classes="value")

    def compose(self) -> ComposeResult:
        yield Label(self.title, classes="name")
        yield self.sparkline
        yield self.value

    def show(self, series: Sequence[float], value: str) -> None:
        """Draw `series` (oldest first) and the latest value."""
        self.sparkline.data = list(series) or [0.0]
        self.value.update(value)


class TrafficSparklines(Vertical):
    """req/s, p50 and p99, one second per bar, the last minute."""

    DEFAULT_CSS = """
    TrafficSparklines { height: 3; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.rps = TrafficRow("req/s", id="rps")
        self.p50 = TrafficRow("p50", id="p50")
        self.p99 = TrafficRow("p99", id="p99")

    def compose(self) -> ComposeResult:
        yield self.rps
        yield self.p50
        yield self.p99

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
