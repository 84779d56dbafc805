"""Commands: type, notes."""

from __future__ import annotations

from typing import Annotated

import typer

from vibecode.cli.options import WorkspaceOption


def type_(
    number: Annotated[
        int | None,
        typer.Argument(
            help="The step to type (default: the next one, or the one paused).", show_default=False
        ),
    ] = None,
    *,
    auto: Annotated[
        bool, typer.Option("--auto", help="Type unattended at --cps characters a second.")
    ] = False,
    cps: Annotated[
        float, typer.Option("--cps", min=1, help="Characters per second with --auto.")
    ] = 40.0,
    workspace: WorkspaceOption = None,
) -> None:
    """Type a step into the workspace live, hunk by hunk: any key types, Enter ends the hunk."""
    from vibecode.cli.output import out
    from vibecode.course.loader import load
    from vibecode.live.run import run_type
    from vibecode.paths import resolve_workspace

    run_type(
        course=load(),
        workspace=resolve_workspace(workspace),
        number=number,
        cps=cps if auto else None,
        console=out(),
    )


def notes(*, workspace: WorkspaceOption = None) -> None:
    """The presenter view: every talking point, timers, what the room sees; keys drive the talk."""
    from vibecode.cli.dashboard_cmd import check_terminal
    from vibecode.course.loader import load
    from vibecode.dashboard.notes_app import make_notes
    from vibecode.dashboard.real_backend import RealBackend
    from vibecode.paths import resolve_workspace

    check_terminal()
    backend = RealBackend(load(), resolve_workspace(workspace))
    try:
        make_notes(backend).run()
    finally:
        backend.close()


def register(app: typer.Typer) -> None:
    """Add this module's commands to the application."""
    app.command("type")(type_)
    app.command()(notes)
