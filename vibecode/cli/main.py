"""The `vibecode` Typer application: one module per command group registers its commands."""

from __future__ import annotations

import typer

from vibecode.cli import (
    bench_cmd,
    course_cmds,
    dashboard_cmd,
    script_cmd,
    serve_cmds,
    workspace_cmds,
)

app = typer.Typer(
    name="vibecode",
    help="Live-coding demos and workshops for async FastAPI + SQLAlchemy 2.0.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

for module in (course_cmds, workspace_cmds, script_cmd, serve_cmds, bench_cmd, dashboard_cmd):
    module.register(app)


@app.callback()
def main() -> None:
    """Walk through numbered steps, serve them, benchmark them, watch them live."""


def run() -> None:
    """Entry point of the console script."""
    app()
