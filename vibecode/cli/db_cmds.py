"""Commands: `vibecode db reset` (the workspace's database, SQLite or PostgreSQL)."""

from __future__ import annotations

from typing import Annotated

import typer

from vibecode.cli.options import Database, WorkspaceOption
from vibecode.cli.output import out

db_app = typer.Typer(
    name="db",
    help="The workspace's database: reset it (its data kept aside).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)


@db_app.command()
def reset(
    *,
    db: Annotated[
        Database | None,
        typer.Option(
            help="The database: the workspace's SQLite file, or PostgreSQL (default: as serve "
            "picks it, DATABASE_URL or SQLite).",
            show_default=False,
        ),
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Empty the database and migrate it to the current step; the old data is kept aside."""
    from rich.markup import escape

    from vibecode.paths import resolve_workspace
    from vibecode.serve.environment import database_kind, resolve_database_url
    from vibecode.serve.migrations import reset_database

    folder = resolve_workspace(workspace)
    url = resolve_database_url(folder, db.value if db else None)
    what = "PostgreSQL" if database_kind(url) == "postgres" else "SQLite"
    result = reset_database(folder, database_url=url)
    console = out()
    if result.kept_at is not None:
        console.print(f"[yellow]kept[/] the old data in {escape(result.kept_at)}", highlight=False)
    else:
        console.print(f"[dim]the {what} database held nothing to keep[/]", highlight=False)
    if not result.ran:
        console.print(f"{what} database emptied; this step has no migrations.", highlight=False)
    elif result.applied:
        console.print(
            f"[green]{what} database rebuilt:[/] {', '.join(result.applied)}", highlight=False
        )
    else:
        console.print(f"[green]{what} database rebuilt[/] (no migration to apply)", highlight=False)


def register(app: typer.Typer) -> None:
    """Add this module's command group to the application."""
    app.add_typer(db_app, name="db")
