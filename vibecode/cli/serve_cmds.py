"""Commands: serve, demo, watch, rehearse, doctor."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vibecode.cli.options import Database, JobsOption, WorkspaceOption
from vibecode.cli.output import err, out


def serve(
    *,
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    host: Annotated[
        str, typer.Option(help="Interface: 0.0.0.0 lets a room of attendees reach the server.")
    ] = "127.0.0.1",
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes (PostgreSQL; turns reload off).")
    ] = 1,
    db: Annotated[
        Database | None,
        typer.Option(
            help="Database: the workspace's SQLite file, or PostgreSQL.", show_default=False
        ),
    ] = None,
    no_reload: Annotated[
        bool, typer.Option("--no-reload", help="Do not restart when the code changes.")
    ] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Serve the workspace's app with uvicorn, reloading on changes, until Ctrl-C."""
    from vibecode.paths import resolve_workspace
    from vibecode.serve.session import ServeOptions, serve_forever

    reload = not no_reload
    if workers > 1:
        if reload:
            err().print(
                "[yellow]note:[/] uvicorn cannot reload with several workers: reload is off."
            )
        reload = False
        if db is not Database.postgres:
            err().print(
                "[yellow]note:[/] several workers on SQLite can hit 'database is locked'; "
                "--db postgres is the multi-process setup."
            )
    options = ServeOptions(
        host=host, port=port, db=db.value if db else None, workers=workers, reload=reload
    )
    serve_forever(resolve_workspace(workspace), options, out())


def demo(
    name: Annotated[
        str | None, typer.Argument(help="Fire only this request (and those it needs values from).")
    ] = None,
    *,
    url: Annotated[
        str | None, typer.Option(help="The server's URL (default: the one `vibecode serve` runs).")
    ] = None,
    start: Annotated[
        bool, typer.Option("--start", help="Start a server for the demo and stop it after.")
    ] = False,
    step: Annotated[
        bool,
        typer.Option(
            "--step", help="One request at a time: show it, send it on Enter, show the answer."
        ),
    ] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Fire the current step's demo requests and show the answers; exit 1 on a surprise."""
    from vibecode.demo.session import run_demo
    from vibecode.errors import CheckFailed
    from vibecode.paths import resolve_workspace

    ok = run_demo(
        resolve_workspace(workspace), name=name, url=url, start=start, console=out(), paced=step
    )
    if not ok:
        raise CheckFailed("a demo request did not answer as the step expects (above)")


def watch(
    *,
    lag_ms: Annotated[
        float, typer.Option(help="Show event-loop lag samples above this many milliseconds.")
    ] = 20.0,
    workspace: WorkspaceOption = None,
) -> None:
    """A scrolling log of the live requests the served app receives (Ctrl-C to stop)."""
    from vibecode.paths import resolve_workspace
    from vibecode.serve.record import read_server
    from vibecode.tap.channel import tap_dir_for
    from vibecode.tap.watch import watch_requests

    folder = resolve_workspace(workspace)
    running = read_server(folder)
    tap_dir = Path(running.tap) if running and running.tap else tap_dir_for(folder)
    where = running.url if running else "the next `vibecode serve` of this workspace"
    err().print(f"[dim]Watching requests to {where}. Ctrl-C to stop.[/]", highlight=False)
    try:
        watch_requests(tap_dir, out(), lag_warning_ms=lag_ms)
    except KeyboardInterrupt:
        return


def rehearse(
    *,
    step: Annotated[int | None, typer.Option(help="Rehearse only this step.")] = None,
    start: Annotated[
        int | None, typer.Option("--from", help="Rehearse from this step to the last.")
    ] = None,
    db: Annotated[Database, typer.Option(help="Database to rehearse on.")] = Database.sqlite,
    jobs: JobsOption = None,
) -> None:
    """Play the whole talk unattended in temporary workspaces and report every step."""
    from vibecode.course.loader import load
    from vibecode.errors import CheckFailed
    from vibecode.rehearse.session import run_rehearsal

    if db is Database.postgres:
        from vibecode.serve.environment import POSTGRES_URL
        from vibecode.serve.preflight import check_postgres

        check_postgres(POSTGRES_URL)
    passed = run_rehearsal(
        course=load(), step=step, start=start, database=db.value, console=out(), jobs=jobs
    )
    if not passed:
        raise CheckFailed("the rehearsal failed: the table above says what failed")


def doctor(
    *,
    port: Annotated[int, typer.Option(help="The port you will serve on.")] = 8000,
    host: Annotated[str, typer.Option(help="The interface you will serve on.")] = "127.0.0.1",
    db: Annotated[
        Database, typer.Option(help="Check PostgreSQL too with postgres.")
    ] = Database.sqlite,
    workspace: WorkspaceOption = None,
) -> None:
    """Check this machine before a talk: versions, port, workspace, database, terminal size."""
    from vibecode.doctor import diagnose, render_findings
    from vibecode.errors import CheckFailed
    from vibecode.paths import resolve_workspace
    from vibecode.serve.environment import resolve_database_url

    folder = resolve_workspace(workspace)
    database_url = resolve_database_url(folder, "postgres") if db is Database.postgres else None
    findings = diagnose(folder, host=host, port=port, database_url=database_url)
    render_findings(out(), findings)
    if any(finding.ok is False for finding in findings):
        raise CheckFailed("the machine is not ready: the table above lists each fix")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the application."""
    for command in (serve, demo, watch, rehearse, doctor):
        app.command()(command)
