"""The box around the traffic sparklines, the status counts and the lag gauge."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical

from vibecode.dashboard.live import Frame
from vibecode.dashboard.widgets.lag_gauge import LagGauge
from vibecode.dashboard.widgets.status_counts import StatusCounts
from vibecode.dashboard.widgets.traffic import TrafficSparklines


class MetricsPanel(Vertical):
    """Traffic over the last minute and the server's health, updated once per frame."""

    DEFAULT_CSS = """
    MetricsPanel {
        border: round $secondary;
        border-title-color: $secondary;
        border-title-style: bold;
        height: auto;
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Traffic, last minute (time in the app)"
        self.traffic = TrafficSparklines()
        self.counts = StatusCounts()
        self.gauge = LagGauge()

    def compose(self) -> ComposeResult:
        yield self.traffic
        yield self.counts
        yield self.gauge

    def show(self, frame: Frame) -> None:
        """Draw one frame."""
        self.traffic.show(
            rps=frame.rps,
            p50=frame.p50,
            p99=frame.p99,
            rps_now=frame.rps_now,
            p50_now=frame.p50_now,
            p99_now=frame.p99_now,
        )
        self.counts.counts = frame.statuses
        self.counts.dropped = frame.dropped
        self.gauge.lag_ms = frame.lag_ms
        self.gauge.peak_ms = frame.lag_peak_ms
