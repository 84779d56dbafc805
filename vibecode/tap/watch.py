"""`vibecode watch`: a plain scrolling log of the live requests the tap reports."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from vibecode.tap.channel import TapReader
from vibecode.tap.events import LagEvent, TapEvent
from vibecode.tap.subscription import batches

if TYPE_CHECKING:
    from rich.console import Console

LAG_WARNING_MS = 20.0


def format_event(event: TapEvent, *, lag_warning_ms: float = LAG_WARNING_MS) -> str | None:
    """One Rich-markup line for an event, or None for events not worth a line (a quiet loop)."""
    # datetime rounds to the microsecond, so 0.123 does not print as .122.
    stamp = datetime.fromtimestamp(event.t).strftime("%H:%M:%S.%f")[:-3]
    when = f"[dim]{stamp}[/]"
    if isinstance(event, LagEvent):
        if event.ms < lag_warning_ms:
            return None
        return f"{when} [bold red]event loop blocked {event.ms:,.0f} ms[/] [dim]pid {event.pid}[/]"
    colour = {2: "green", 3: "cyan", 4: "yellow"}.get(event.status // 100, "red")
    # Fixed-width columns first, the path (of any length) last: the columns line up.
    return (
        f"{when} [bold]{event.method:<6}[/] [{colour}]{event.status:>3}[/] "
        f"{event.ms:8.1f} ms [dim]{event.bytes:>7} B "
        f"{event.client or '-'!s:<15} pid {event.pid!s:<7}[/] "
        f"{_escape(event.path)}"
    )


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def watch_requests(
    tap_dir: Path,
    console: Console,
    *,
    stop: threading.Event | None = None,
    lag_warning_ms: float = LAG_WARNING_MS,
) -> None:
    """Print every request event as it arrives, until `stop` is set (or Ctrl-C)."""
    with TapReader(tap_dir, name="watch") as reader:
        for events in batches(reader, stop=stop or threading.Event(), limit=1000):
            for event in events:
                line = format_event(event, lag_warning_ms=lag_warning_ms)
                if line is not None:
                    console.print(line, highlight=False, soft_wrap=True)
