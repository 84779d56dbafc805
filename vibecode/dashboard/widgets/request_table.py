"""The live requests: newest on top, bounded, redrawn at most once per frame."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from http import HTTPStatus

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from vibecode.dashboard.live import RequestRow
from vibecode.dashboard.theme import DIM, status_style


def status_label(status: int) -> str:
    """`404 Not Found`: the code and its phrase, so the meaning is not only in the colour."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    return f"{status} {phrase}".rstrip()


def latency_label(ms: float) -> str:
    """`0.8 ms`, `12 ms`, `2.61 s`."""
    if ms >= 1000:
        return f"{ms / 1000:.2f} s"
    return f"{ms:.1f} ms" if ms < 10 else f"{ms:.0f} ms"


class RequestTable(Static):
    """A table of the newest requests; the app hands it whole frames, never single requests."""

    DEFAULT_CSS = """
    RequestTable {
        border: round $secondary;
        border-title-color: $secondary;
        border-title-style: bold;
        height: 1fr;
        overflow: hidden;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Live requests (newest first)"
        self.rows: tuple[RequestRow, ...] = ()

    def on_mount(self) -> None:
        self.show(())

    def show(self, rows: Sequence[RequestRow]) -> None:
        """Replace the table with `rows` (newest first); only the rows that fit are drawn."""
        self.rows = tuple(rows)
        visible = max(1, self.size.height or 40)
        table = Table(
            box=None,
            expand=True,
            padding=(0, 1, 0, 0),
            pad_edge=False,
            header_style="bold underline",
        )
        wide = self.size.width >= 80
        table.add_column("Time", no_wrap=True, width=12 if wide else 8)
        table.add_column("Method", no_wrap=True, width=6)
        table.add_column("Path", no_wrap=True, overflow="ellipsis", ratio=1, min_width=8)
        table.add_column("Status", no_wrap=True, overflow="ellipsis", width=15)
        table.add_column("Latency", no_wrap=True, justify="right", width=8)
        if not self.rows:
            table.add_row("", "", Text("waiting for requests…", DIM), "", "")
        for row in self.rows[:visible]:
            stamp = datetime.fromtimestamp(row.t).strftime("%H:%M:%S.%f")[: 12 if wide else 8]
            table.add_row(
                Text(stamp, DIM),
                row.method,
                row.path,
                Text(status_label(row.status), status_style(row.status)),
                latency_label(row.ms),
            )
        self.update(table)
