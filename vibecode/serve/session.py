"""`vibecode serve` in the foreground: the recorded server, its log echoed, what it does said."""

from __future__ import annotations

import signal
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from vibecode.serve import migrations
from vibecode.serve.environment import resolve_database_url
from vibecode.serve.log import Shown, TracebackFolder, follow_log
from vibecode.serve.record import WAITING
from vibecode.serve.recorded import RecordedServer, ServerEvent

if TYPE_CHECKING:
    from rich.console import Console

READY_TIMEOUT = 60.0


@dataclass(frozen=True)
class ServeOptions:
    """What the `serve` command was asked for."""

    host: str = "127.0.0.1"
    port: int = 8000
    db: str | None = None
    workers: int = 1
    reload: bool = True


def serve_forever(workspace: Path, options: ServeOptions, console: Console) -> None:
    """Serve the workspace until Ctrl-C (or SIGTERM/SIGHUP); nothing is left running after.

    Any step change is survived: at a step without an app it waits for one (the supervision
    is `RecordedServer`'s); this function shows what happens.
    """
    announced = threading.Event()

    def report(event: ServerEvent) -> None:
        if announced.is_set() or event.kind not in ("started", "waiting"):  # the panel says it
            _report(console, event, reload=options.reload)

    server = RecordedServer(
        workspace,
        host=options.host,
        port=options.port,
        database_url=resolve_database_url(workspace, options.db),
        reload=options.reload,
        workers=options.workers,
        on_event=report,
    )
    stop_following = threading.Event()
    follower: threading.Thread | None = None
    with _interrupts_as_keyboard_interrupt():
        try:
            with console.status(f"Starting the workspace app on port {options.port}..."):
                server.start(wait_for_app=True, timeout=READY_TIMEOUT)
            _announce(console, server, options)
            announced.set()
            echo = LogEcho(workspace, console)
            follower = follow_log(server.log_path, echo.line, stop_following, on_quiet=echo.quiet)
            while True:
                time.sleep(0.5)
        except KeyboardInterrupt:
            console.print("\n[dim]Stopping the server...[/]")
        finally:
            with _shielded():
                server.stop()
                stop_following.set()
                if follower is not None:
                    follower.join(timeout=2.0)  # the server's last lines come before "Stopped."
    console.print("[green]Stopped.[/] Nothing left running.")


class LogEcho:
    """The server's log in the serve pane: tracebacks summed up and folded, errors in red."""

    def __init__(self, workspace: Path, console: Console) -> None:
        self.console = console
        self.folder = TracebackFolder(workspace)

    def line(self, text: str) -> None:
        """One new log line."""
        self._show(self.folder.feed(text))

    def quiet(self) -> None:
        """The log is quiet: show a traceback that has ended."""
        self._show(self.folder.flush(force=False))

    def _show(self, shown: list[Shown]) -> None:
        from rich.text import Text

        for item in shown:
            if item.kind == "summary":
                text = Text("✗ " + item.text, style="bold red")
            elif item.kind == "folded":
                text = Text(item.text, style="dim italic")
            elif item.kind == "error":
                text = Text(item.text, style="red")
            else:
                text = Text(item.text, style=log_style(item.text))
            self.console.print(text, highlight=False, soft_wrap=True)


@contextmanager
def _interrupts_as_keyboard_interrupt() -> Iterator[None]:
    """SIGTERM, SIGHUP (terminal closed) and SIGINT, even if inherited as ignored, act as Ctrl-C."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {sig: signal.signal(sig, interrupt) for sig in signals}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextmanager
def _shielded() -> Iterator[None]:
    """A second Ctrl-C must not cut the clean-up short (it takes a few seconds at most)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in signals}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _announce(console: Console, server: RecordedServer, options: ServeOptions) -> None:
    from rich.panel import Panel
    from rich.text import Text

    found = server.record
    text = Text()
    text.append(
        "Waiting to serve " if found and found.state == WAITING else "Serving ", style="bold"
    )
    text.append(server.url, style="bold cyan underline")
    text.append(f"\nworkspace {server.workspace}", style="dim")
    step = found.step if found is not None else None
    details = [f"step {step}" if step is not None else "no step recorded", server.database]
    details.append("reload on" if options.reload else "reload off")
    if options.workers > 1:
        details.append(f"{options.workers} workers")
    text.append("\n" + " · ".join(details), style="dim")
    if options.host in ("0.0.0.0", "::"):
        address = lan_address()
        if address:
            text.append(f"\nattendees: http://{address}:{server.port}", style="bold")
    if found is not None and found.state == WAITING:
        text.append("\nno app at this step yet: it starts when a step brings one", style="yellow")
    text.append("\nCtrl-C to stop", style="dim")
    console.print(Panel(text, border_style="green", expand=False))


def log_style(line: str) -> str:
    """How a server log line is shown: errors stand out, requests and chatter stay dim."""
    if line.startswith(("ERROR", "Traceback", "CRITICAL")) or "Error:" in line:
        return "red"
    if line.startswith("WARNING"):
        return "yellow"
    return "dim"


def _report_migration(console: Console, result: migrations.MigrationResult | None) -> None:
    if result is None or not result.ran:
        return
    if result.kept_at is not None:
        from rich.markup import escape

        console.print(
            "[yellow]The database came from a later step: kept its data in "
            f"{escape(result.kept_at)} and rebuilt it.[/]"
        )
    if result.applied:
        console.print(f"[green]Migrations applied:[/] {', '.join(result.applied)}", highlight=False)
    else:
        console.print("[dim]The database is at the latest migration.[/]")


def _report(console: Console, event: ServerEvent, *, reload: bool) -> None:
    """One line for what the supervisor did (the log echo shows the app's own errors)."""
    from rich.markup import escape

    message = escape(event.message)
    if event.kind == "migration":
        _report_migration(console, event.migration)
    elif event.kind == "step":
        if event.message != f"now at step {event.step}":
            console.print(f"[bold red]step {event.step}: {message}[/]")
            return
        what = "the server reloads with its code" if reload else "the server restarts with it"
        console.print(f"[bold cyan]Now at step {event.step}[/]: {what}.")
        _report_migration(console, event.migration)
    elif event.kind == "waiting":
        console.print(f"[bold yellow]Waiting:[/] {message} (`vibecode next`).")
    elif event.kind == "broken" and not event.in_log:
        console.print(f"[bold red]✗ {message}[/]")
    elif event.kind in ("restarted", "started"):
        console.print(f"[bold green]✓ {message}[/]")


def lan_address() -> str | None:
    """This machine's address on the local network (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
            address: str = probe.getsockname()[0]
        except OSError:
            return None
    return address
