"""The `vibecode` Typer application: one module per command group registers its commands."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="vibecode",
    help="Live-coding demos and workshops for async FastAPI + SQLAlchemy 2.0.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def run() -> None:
    """Entry point of the console script."""
    app()
