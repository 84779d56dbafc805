"""Commands: dashboard."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer

from vibecode.cli.options import Database, WorkspaceOption


def dashboard(
    *,
    workspace: WorkspaceOption = None,
    url: Annotated[
        str | None,
        typer.Option(help="Attach to a server already running at this URL.", show_default=False),
    ] = None,
    port: Annotated[int, typer.Option(help="Port for a server the dashboard starts.")] = 8000,
    db: Annotated[
        Database | None,
        typer.Option(help="Database for a server the dashboard starts.", show_default=False),
    ] = None,
    no_start: Annotated[
        bool, typer.Option("--no-start", help="Do not start a server; press s to start one.")
    ] = False,
) -> None:
    """The presenter's cockpit: the course, live requests and the server, driven by keys."""
    check_terminal()
    run_dashboard(
        workspace=workspace, url=url, port=port, db=db.value if db else None, start=not no_start
    )


def check_terminal(size: tuple[int, int] | None = None) -> None:
    """Refuse a terminal smaller than the layout needs, with what to do about it."""
    from vibecode import terminal
    from vibecode.errors import VibecodeError

    width, height = size or shutil.get_terminal_size()
    if not terminal.fits(width, height):
        raise VibecodeError(
            f"the terminal is {width}x{height}; the dashboard needs at least {terminal.minimum()}",
            hint="enlarge the window or lower the font size",
        )


def run_dashboard(
    *, workspace: Path | None, url: str | None, port: int, db: str | None, start: bool
) -> None:
    """Build the real backend and run the app; whatever the dashboard started stops after."""
    from vibecode.course.loader import load
    from vibecode.dashboard.app import make_dashboard
    from vibecode.dashboard.real_backend import RealBackend
    from vibecode.paths import resolve_workspace

    backend = RealBackend(load(), resolve_workspace(workspace), url=url, port=port, db=db)
    try:
        make_dashboard(backend, start_server=start).run()
    finally:
        backend.close()


def register(app: typer.Typer) -> None:
    """Add this module's commands to the application."""
    app.command()(dashboard)
