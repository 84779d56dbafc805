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


def fit_path(path: str, width: int) -> str:
    """A path cut to `width` in its middle, so both its start and its end stay readable.

    `/demo/blocking-sleep?ms=50` and `/demo/async-sleep?ms=50` must not both become `/demo/bl…`.
    """
    if len(path) <= width:
        return path
    if width <= 3:
        return path[:width]
    head = (width - 1) * 2 // 3
    tail = width - 1 - head
    return f"{path[:head]}…{path[len(path) - tail :]}" if tail else f"{path[:head]}…"


STATUS_MIN_WIDTH = len("200 OK")
ID_WIDTH = 18
"""The request id's column at most: a demo's `demo-fail-1a2b3c4d`, a 32-hex id's start and end."""
ID_MIN = 10
PATH_ROOM = 28
"""What the path keeps before an id column is added (`/demo/blocking-sleep?ms=50` is 26)."""
WIDEST_STATUS = len("500 Internal Server Error")


def id_width(width: int, *, with_time: bool) -> int:
    """How much of the request id a table this wide shows (0: no column).

    Counted with the widest status, so the column does not come and go with the traffic.
    """
    fixed = 6 + 1 + WIDEST_STATUS + 1 + 8 + (9 if with_time else 0) + 1
    room = width - fixed - PATH_ROOM - 1
    shown = min(ID_WIDTH, room)
    return shown if shown >= ID_MIN else 0


class RequestTable(Static):
    """A table of the newest requests; the app hands it whole frames, never single requests.

    "In app" is the time the request spent inside the app, as the tap measures it: it leaves out
    the time a client waited before the server's loop picked the request up (the bench view
    shows that wait).
    """

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

    def on_resize(self) -> None:
        self.show(self.rows)

    def show(self, rows: Sequence[RequestRow]) -> None:
        """Replace the table with `rows` (newest first); only the rows that fit are drawn."""
        self.rows = tuple(rows)
        visible = max(1, (self.size.height or 40) - 1)
        width = self.size.width or 100
        with_time = width >= 90
        table = Table(
            box=None,
            expand=True,
            padding=(0, 1, 0, 0),
            pad_edge=False,
            header_style="bold underline",
        )
        shown = self.rows[:visible]
        # As wide as the longest status on screen (`500 Internal Server Error`): never clipped.
        status_width = max([STATUS_MIN_WIDTH, *(len(status_label(r.status)) for r in shown)])
        ids = id_width(width, with_time=with_time)
        fixed = 6 + 1 + status_width + 1 + 8 + (9 if with_time else 0) + (ids + 1 if ids else 0)
        path_width = max(8, width - fixed - 1)
        if with_time:
            table.add_column("Time", no_wrap=True, width=8)
        table.add_column("Method", no_wrap=True, width=6)
        table.add_column("Path", no_wrap=True, overflow="crop", ratio=1, min_width=8)
        table.add_column("Status", no_wrap=True, width=status_width)
        table.add_column("In app", no_wrap=True, justify="right", width=8)
        if ids:
            # The id joins a row to its log line (step 11): its start and end stay readable.
            table.add_column("Request id", no_wrap=True, width=ids)
        if not self.rows:
            empty: list[str | Text] = ["", Text("waiting for requests…", DIM), "", ""]
            table.add_row(*([""] if with_time else []), *empty, *([""] if ids else []))
        for row in shown:
            cells: list[str | Text] = [
                row.method,
                fit_path(row.path, path_width),
                Text(status_label(row.status), status_style(row.status)),
                latency_label(row.ms),
            ]
            if ids:
                cells.append(Text(fit_path(row.rid, ids), DIM) if row.rid else "-")
            if with_time:
                stamp = datetime.fromtimestamp(row.t).strftime("%H:%M:%S")
                table.add_row(Text(stamp, DIM), *cells)
            else:
                table.add_row(*cells)
        self.update(table)
