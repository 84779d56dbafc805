"""The running benchmark as oha draws one: req/s over time, latency histograms filling in, statuses.

Beside what the clients wait (from the load generator) it shows the time the app itself spent
(from the tap): under a blocked loop the first is seconds while the second stays at 50 ms, the
queue in front of the loop that the talk is about.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from vibecode.bench.result import LATENCY_BOUNDS_MS
from vibecode.dashboard.backend import BenchProgress
from vibecode.dashboard.theme import ACCENT, BAD, DIM, OK, WARN, status_style
from vibecode.dashboard.widgets.activity import progress_bar
from vibecode.dashboard.widgets.request_table import latency_label

SPARK = "▁▂▃▄▅▆▇█"
KEEP_POINTS = 240
LABEL_WIDTH = 16
"""Throughput points kept per side (four a second: a minute)."""


@dataclass
class SideFigures:
    """What one side of a benchmark has shown so far."""

    label: str
    rps: list[float] = field(default_factory=list)
    p50_ms: float | None = None
    p99_ms: float | None = None
    oldest_wait_ms: float | None = None
    app_p99_ms: float | None = None
    status: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    counts: tuple[int, ...] = ()
    completed: int = 0


def sparkline(values: Sequence[float], width: int) -> str:
    """The last `width` values as bars scaled to their maximum."""
    shown = list(values)[-width:]
    top = max(shown, default=0.0)
    if top <= 0:
        return "▁" * len(shown)
    return "".join(SPARK[min(len(SPARK) - 1, int(v / top * (len(SPARK) - 1) + 0.5))] for v in shown)


def bucket_labels() -> list[str]:
    """`≤1 ms` ... `≤5 s`, `>5 s`: the live histogram's rows."""
    labels = [f"≤{latency_label(bound)}" for bound in LATENCY_BOUNDS_MS]
    labels.append(f">{latency_label(LATENCY_BOUNDS_MS[-1])}")
    return [label.replace(".0 ms", " ms").replace(".00 s", " s") for label in labels]


class BenchPanel(Static):
    """The live view of one benchmark scenario (or one load run)."""

    DEFAULT_CSS = """
    BenchPanel {
        border: round $accent; border-title-color: $accent; border-title-style: bold;
        height: 1fr; padding: 0 1; overflow: hidden;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Benchmark"
        self.title = ""
        self.sides: list[SideFigures] = []
        self.current = ""
        self.fraction = 0.0
        self.detail = ""
        self.result_lines: tuple[str, ...] = ()

    def begin(self, title: str, labels: Sequence[str]) -> None:
        """A new run: empty figures for each side."""
        self.title = title
        self.sides = [SideFigures(label) for label in labels]
        self.current = labels[0] if labels else ""
        self.fraction = 0.0
        self.detail = "starting…"
        self.result_lines = ()
        self.refresh()

    def side(self, label: str) -> SideFigures:
        """The figures of the side called `label` (added if new)."""
        for figures in self.sides:
            if figures.label == label:
                return figures
        figures = SideFigures(label)
        self.sides.append(figures)
        return figures

    def feed(self, progress: BenchProgress, *, app_p99_ms: float | None = None) -> None:
        """One progress snapshot of the side running; `app_p99_ms`: the tap's p99 just now."""
        figures = self.side(progress.side)
        self.current = progress.side
        self.fraction = progress.fraction
        self.detail = progress.detail
        if progress.rps is not None:
            figures.rps = [*figures.rps[-(KEEP_POINTS - 1) :], progress.rps]
        if progress.p50_ms is not None:
            figures.p50_ms, figures.p99_ms = progress.p50_ms, progress.p99_ms
        figures.oldest_wait_ms = progress.oldest_wait_ms
        if progress.status:
            figures.status = dict(progress.status)
        figures.errors = progress.errors
        if progress.latency_counts:
            figures.counts = progress.latency_counts
        figures.completed = progress.completed
        if app_p99_ms is not None:
            figures.app_p99_ms = app_p99_ms
        self.refresh()

    def finish(self, lines: Sequence[str]) -> None:
        """The run is over: its result lines under the figures."""
        self.fraction = 1.0
        self.detail = "done"
        self.result_lines = tuple(lines)
        self.refresh()

    def render(self) -> RenderableType:
        width = max(20, self.size.width - 2)
        head = Text.assemble((self.title or "Benchmark", "bold"), "  ")
        head.append(progress_bar(self.fraction, 12), ACCENT)
        if self.detail:
            head.append(f"  {self.current}: {self.detail}", DIM)
        parts: list[RenderableType] = [head, self._table(width)]
        # req/s over time, then the statuses so far (counts in words, colour besides).
        for figures in self.sides:
            statuses = self._statuses(figures)
            label = _short(figures.label, LABEL_WIDTH)
            spark_width = max(8, width - LABEL_WIDTH - 2 - statuses.cell_len)
            line = Text(f"{label:<{LABEL_WIDTH}} ", "bold", no_wrap=True, overflow="ellipsis")
            line.append(
                sparkline(figures.rps, spark_width), OK if figures is self.sides[0] else WARN
            )
            line.append(" ")
            line.append_text(statuses)
            parts.append(line)
        parts.append(self._histograms(width))
        if self.result_lines:
            parts.append(Text("\n".join(self.result_lines), "bold"))
        return Group(*parts)

    def _statuses(self, figures: SideFigures) -> Text:
        statuses = Text(no_wrap=True)
        for code, count in sorted(figures.status.items()):
            statuses.append(f"{code}: {count:,} ", status_style(code))
        if figures.errors:
            statuses.append(f"errors: {figures.errors:,}", BAD)
        return statuses

    def _table(self, width: int) -> Table:
        table = Table(box=None, padding=(0, 1, 0, 0), header_style="bold underline", expand=False)
        table.add_column("side", no_wrap=True, overflow="ellipsis", max_width=max(8, width - 52))
        table.add_column("req/s", justify="right", no_wrap=True)
        table.add_column("clients wait p50 / p99", justify="right", no_wrap=True)
        table.add_column("oldest", justify="right", no_wrap=True)
        table.add_column("app p99", justify="right", no_wrap=True)
        for figures in self.sides:
            rps = f"{figures.rps[-1]:,.0f}" if figures.rps else "-"
            wait = (
                f"{_ms(figures.p50_ms)} / {_ms(figures.p99_ms)}"
                if figures.p50_ms is not None
                else "no answer yet"
            )
            slow = figures.p99_ms is not None and figures.p99_ms >= 1000
            table.add_row(
                Text(figures.label, "bold"),
                rps,
                Text(wait, BAD if slow else ""),
                _ms(figures.oldest_wait_ms),
                _ms(figures.app_p99_ms),
            )
        return table

    def _histograms(self, width: int) -> RenderableType:
        shown = [f for f in self.sides if f.counts] or self.sides[:1]
        if not shown:
            return Text()
        columns = shown if width >= 70 else [self.side(self.current)]
        grid = Table.grid(padding=(0, 3))
        for _ in columns:
            grid.add_column()
        bar_width = max(6, (width // max(1, len(columns))) - 22)
        grid.add_row(*(self._histogram(f, bar_width) for f in columns))
        return grid

    def _histogram(self, figures: SideFigures, bar_width: int) -> Text:
        labels = bucket_labels()
        counts = list(figures.counts) or [0] * len(labels)
        top = max(counts, default=0)
        text = Text(f"latency, {figures.label}\n", "bold")
        if not top:
            text.append("no answers yet", DIM)
            return text
        first = next((i for i, c in enumerate(counts) if c), 0)
        last = max((i for i, c in enumerate(counts) if c), default=len(counts) - 1)
        for index in range(
            max(0, min(first, last - 4)), min(len(counts), max(last + 1, first + 5))
        ):
            count = counts[index]
            bar = "█" * (round(count / top * bar_width) if top else 0)
            style = BAD if index >= len(LATENCY_BOUNDS_MS) - 3 else OK
            text.append(f"{labels[index]:>8} ", DIM)
            text.append(bar, style)
            text.append(f" {count:,}\n" if count else "\n", "bold")
        text.rstrip()
        return text


def _short(label: str, width: int) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def _ms(value: float | None) -> str:
    return "-" if value is None else latency_label(value)
