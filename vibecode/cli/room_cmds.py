"""Commands: room (open, close, status), join, leave."""

from __future__ import annotations

from typing import Annotated

import typer

from vibecode.cli.options import Database, WorkspaceOption, selecting_course
from vibecode.cli.output import err, guarded, out

room_app = typer.Typer(
    help="The room: every attendee's step and checks, live on the presenter's screens.",
    no_args_is_help=False,
    invoke_without_command=True,
)


def open_room(
    ctx: typer.Context,
    *,
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8800,
    host: Annotated[
        str, typer.Option(help="Interface: 0.0.0.0 lets attendees on the network join.")
    ] = "127.0.0.1",
    db: Annotated[Database, typer.Option(help="Where the room keeps its state.")] = Database.sqlite,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="This database instead.")
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes (PostgreSQL).")] = 1,
    stuck_minutes: Annotated[
        float,
        typer.Option("--stuck-minutes", min=0.1, help="Failing one step this long is stuck."),
    ] = 5.0,
    new: Annotated[
        bool, typer.Option("--new", help="A new room (new code) instead of reopening this one.")
    ] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Open the room: print the join URL, its code and a QR code, serve until Ctrl-C."""
    if ctx.invoked_subcommand is not None:
        return
    from rich.markup import escape

    from vibecode.paths import resolve_workspace
    from vibecode.room import host as hosting
    from vibecode.room.render import qr_code

    ws = resolve_workspace(workspace)
    options = hosting.RoomOptions(
        host=host,
        port=port,
        db=db.value,
        database_url=database_url,
        workers=workers,
        stuck_minutes=stuck_minutes,
        new=new,
    )
    room = hosting.prepare(ws, options)
    console = out()
    link = f"{room.join_url}/join?code={room.code}"
    reach = (
        "reachable on the network"
        if host != "127.0.0.1"
        else "this machine only (--host 0.0.0.0 opens it)"
    )
    console.print(qr_code(link), end="", markup=False, highlight=False)
    console.print(
        f"[bold]Join the room[/]: [bold cyan]vibecode join {escape(room.join_url)} "
        f"{room.code} --name YOUR-NAME[/]\n"
        f"join code [bold yellow]{room.code}[/] · state in {room.database} · "
        f"{reach}\n"
        "[dim]the dashboard shows the room, `vibecode notes` its names; "
        "`vibecode room close` stops new joins; Ctrl-C stops the room[/]",
        highlight=False,
        soft_wrap=True,
    )
    hosting.serve(ws, options, room)


def close(workspace: WorkspaceOption = None) -> None:
    """Refuse new attendees from now on (those who joined keep reporting)."""
    from vibecode.paths import resolve_workspace
    from vibecode.room.host import close as close_room

    room = close_room(resolve_workspace(workspace))
    out().print(
        f"the room at {room.join_url} is closed: it takes no new attendees", highlight=False
    )


def status(
    *,
    as_json: Annotated[bool, typer.Option("--json", help="The room's state as JSON.")] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """The room's state: attendees per step, who is stuck, the failing tests (presenter only)."""
    import json

    from vibecode.paths import resolve_workspace
    from vibecode.room.host import state

    data = state(resolve_workspace(workspace))
    if as_json:
        typer.echo(json.dumps(data, indent=2, sort_keys=True))
        return
    from vibecode.course.loader import load
    from vibecode.room.render import histogram, roster

    console = out()
    console.print(histogram(data, last_step=load().last, width=min(console.width, 80)))
    console.print(roster(data, width=min(console.width, 80)))


def join(
    url: Annotated[str, typer.Argument(help="The room's URL, as the presenter's screen shows it.")],
    code: Annotated[
        str | None, typer.Argument(help="The join code (a QR code's URL carries it).")
    ] = None,
    *,
    name: Annotated[str, typer.Option("--name", help="Your name, as the presenter sees it.")],
    workspace: WorkspaceOption = None,
) -> None:
    """Join a workshop's room: from now on your step and test outcomes go to the presenter."""
    from rich.markup import escape

    from vibecode.paths import resolve_workspace
    from vibecode.room.attend import join as join_room

    room = join_room(resolve_workspace(workspace), url, code, name=name)
    out().print(f"joined {escape(room.url)} as {escape(room.name)}", highlight=False)
    err().print(
        "[dim]check, next, prev, goto and reset now tell the room your step and which tests "
        "pass (never your code); `vibecode leave` stops it[/]",
        highlight=False,
        soft_wrap=True,
    )


def leave(workspace: WorkspaceOption = None) -> None:
    """Stop reporting to the room."""
    from vibecode.paths import resolve_workspace
    from vibecode.room.attend import leave as leave_room

    if leave_room(resolve_workspace(workspace)):
        out().print("left the room: nothing is reported any more", highlight=False)
    else:
        out().print("this workspace is in no room", highlight=False)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the application."""
    room_app.callback(invoke_without_command=True)(guarded(selecting_course(open_room)))
    room_app.command("close")(close)
    room_app.command("status")(status)
    app.add_typer(room_app, name="room")
    app.command("join")(join)
    app.command("leave")(leave)
