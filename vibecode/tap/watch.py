"""`vibecode watch`: a plain scrolling log of the live requests the tap reports."""

from __future__ import annotations

import select
import threading
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vibecode.tap.channel import TapReader

if TYPE_CHECKING:
    from rich.console import Console

LAG_WARNING_MS = 20.0


def format_event(event: Mapping[str, Any], *, lag_warning_ms: float = LAG_WARNING_MS) -> str | None:
    """One Rich-markup line for an event, or None for events not worth a line (a quiet loop)."""
    # datetime rounds to the microsecond, so 0.123 does not print as .122.
    stamp = datetime.fromtimestamp(float(event.get("t", 0.0))).strftime("%H:%M:%S.%f")[:-3]
    when = f"[dim]{stamp}[/]"
    if event.get("type") == "lag":
        lag = float(event.get("ms", 0.0))
        if lag < lag_warning_ms:
            return None
        return (
            f"{when} [bold red]event loop blocked {lag:,.0f} ms[/] [dim]pid {event.get('pid')}[/]"
        )
    if event.get("type") != "request":
        return None
    status = int(event.get("status", 0))
    colour = {2: "green", 3: "cyan", 4: "yellow"}.get(status // 100, "red")
    # Fixed-width columns first, the path (of any length) last: the columns line up.
    return (
        f"{when} [bold]{event.get('method', '?'):<6}[/] [{colour}]{status:>3}[/] "
        f"{float(event.get('ms', 0.0)):8.1f} ms [dim]{int(event.get('bytes', 0)):>7} B "
        f"{event.get('client') or '-'!s:<15} pid {event.get('pid')!s:<7}[/] "
        f"{_escape(str(event.get('path', '')))}"
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
    stop = stop or threading.Event()
    with TapReader(tap_dir, name="watch") as reader:
        while not stop.is_set():
            ready, _, _ = select.select([reader], [], [], 0.2)
            if not ready:
                continue
            for event in reader.drain(1000):
                line = format_event(event, lag_warning_ms=lag_warning_ms)
                if line is not None:
                    console.print(line, highlight=False, soft_wrap=True)
