"""`vibecode serve` in the foreground: start, record, echo the log, follow steps, clean up."""

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

from vibecode.errors import VibecodeError
from vibecode.serve import migrations, record
from vibecode.serve.environment import resolve_database_url
from vibecode.serve.server import ServerProcess, follow_log
from vibecode.serve.watcher import StepWatcher, current_step

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
    """Serve the workspace until Ctrl-C (or SIGTERM/SIGHUP); nothing is left running after."""
    existing = record.read_server(workspace)
    if existing is not None:
        raise VibecodeError(
            f"a server for this workspace is already running at {existing.url} "
            f"(pid {existing.pid})",
            hint="stop it first (Ctrl-C in its terminal)",
        )
    database_url = resolve_database_url(workspace, options.db)
    server = ServerProcess(
        workspace,
        host=options.host,
        port=options.port,
        database_url=database_url,
        reload=options.reload,
        workers=options.workers,
    )
    stop_following = threading.Event()
    follower: threading.Thread | None = None
    watcher: StepWatcher | None = None
    with _interrupts_as_keyboard_interrupt():
        try:
            with console.status(f"Starting the workspace app on port {options.port}..."):
                server.start()
                _report_migration(console, server.migration)
                server.wait_ready(READY_TIMEOUT)
            step = current_step(workspace)
            assert server.pid is not None
            record.write_server(
                workspace,
                record.ServerRecord(
                    url=server.url,
                    pid=server.pid,
                    host=server.host,
                    port=server.port,
                    database=server.database,
                    tap=str(server.tap_dir or ""),
                    log=str(server.log_path),
                    started_at=time.time(),
                    step=step,
                ),
            )
            _announce(console, server, step, options)
            follower = follow_log(
                server.log_path, lambda line: _echo(console, line), stop_following
            )

            def on_change(
                number: int,
                result: migrations.MigrationResult | None,
                error: VibecodeError | None,
            ) -> None:
                _report_step_change(console, number, result, error, reload=options.reload)
                _update_record_step(workspace, number)

            watcher = StepWatcher(
                workspace,
                migrate=lambda ws: migrations.upgrade(ws, database_url=database_url),
                on_change=on_change,
            ).start()
            while server.running:
                time.sleep(0.2)
            raise VibecodeError(
                f"the server stopped unexpectedly: {server.last_problem()}",
                hint=f"see {server.log_path}",
            )
        except KeyboardInterrupt:
            console.print("\n[dim]Stopping the server...[/]")
        finally:
            with _shielded():
                if watcher is not None:
                    watcher.stop()
                pid = server.pid
                server.stop()
                stop_following.set()
                if follower is not None:
                    follower.join(timeout=2.0)  # the server's last lines come before "Stopped."
                if pid is not None:
                    record.remove_server(workspace, pid=pid)
    console.print("[green]Stopped.[/] Nothing left running.")


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


def _announce(
    console: Console, server: ServerProcess, step: int | None, options: ServeOptions
) -> None:
    from rich.panel import Panel
    from rich.text import Text

    text = Text()
    text.append("Serving ", style="bold")
    text.append(server.url, style="bold cyan underline")
    text.append(f"\nworkspace {server.workspace}", style="dim")
    details = [f"step {step}" if step is not None else "no step recorded", server.database]
    details.append("reload on" if options.reload else "reload off")
    if options.workers > 1:
        details.append(f"{options.workers} workers")
    text.append("\n" + " · ".join(details), style="dim")
    if options.host in ("0.0.0.0", "::"):
        address = lan_address()
        if address:
            text.append(f"\nattendees: http://{address}:{server.port}", style="bold")
    text.append("\nCtrl-C to stop", style="dim")
    console.print(Panel(text, border_style="green", expand=False))


def log_style(line: str) -> str:
    """How a server log line is shown: errors stand out, requests and chatter stay dim."""
    if line.startswith(("ERROR", "Traceback", "CRITICAL")) or "Error:" in line:
        return "red"
    if line.startswith("WARNING"):
        return "yellow"
    return "dim"


def _echo(console: Console, line: str) -> None:
    from rich.text import Text

    console.print(Text(line, style=log_style(line)), highlight=False, soft_wrap=True)


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


def _report_step_change(
    console: Console,
    number: int,
    result: migrations.MigrationResult | None,
    error: VibecodeError | None,
    *,
    reload: bool,
) -> None:
    from rich.markup import escape

    if error is not None:
        console.print(f"[bold red]step {number}: {escape(str(error))}[/]")
        return
    if reload:
        console.print(f"[bold cyan]Now at step {number}[/]: the server reloads with its code.")
    else:
        console.print(
            f"[bold yellow]Now at step {number}[/]: reload is off, restart `vibecode serve` "
            "to run its code."
        )
    _report_migration(console, result)


def _update_record_step(workspace: Path, step: int) -> None:
    current = record.read_server(workspace)
    if current is not None:
        from dataclasses import replace

        record.write_server(workspace, replace(current, step=step))


def lan_address() -> str | None:
    """This machine's address on the local network (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
            address: str = probe.getsockname()[0]
        except OSError:
            return None
    return address
