"""The `vibecode` Typer application: one module per command group registers its commands.

Building a Click command costs start-up time for every option of every command, so a run that
names a command registers only that command's module; `--help` and unknown names get them all.
"""

from __future__ import annotations

import sys
from importlib import import_module

import typer

# Command name -> the module under vibecode.cli that registers it, in the order `--help` lists them.
COMMAND_MODULES: dict[str, str] = {
    "steps": "course_cmds",
    "show": "course_cmds",
    "status": "workspace_cmds",
    "next": "workspace_cmds",
    "prev": "workspace_cmds",
    "goto": "workspace_cmds",
    "checkout": "workspace_cmds",
    "diff": "workspace_cmds",
    "check": "workspace_cmds",
    "reset": "workspace_cmds",
    "restore": "workspace_cmds",
    "script": "script_cmd",
    "serve": "serve_cmds",
    "demo": "serve_cmds",
    "watch": "serve_cmds",
    "rehearse": "serve_cmds",
    "doctor": "serve_cmds",
    "bench": "bench_cmd",
    "dashboard": "dashboard_cmd",
}


def build_app(command: str | None = None) -> typer.Typer:
    """The Typer app with `command`'s module registered, or every module when it is None."""
    app = typer.Typer(
        name="vibecode",
        help="Live-coding demos and workshops for async FastAPI + SQLAlchemy 2.0.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode="rich",
    )

    @app.callback()
    def main() -> None:
        """Walk through numbered steps, serve them, benchmark them, watch them live."""

    if command in COMMAND_MODULES:
        modules = [COMMAND_MODULES[command]]
    else:
        modules = list(dict.fromkeys(COMMAND_MODULES.values()))
    for name in modules:
        import_module(f"vibecode.cli.{name}").register(app)
    return app


def requested_command(argv: list[str]) -> str | None:
    """The command a command line names (the first argument that is not an option)."""
    return next((arg for arg in argv if not arg.startswith("-")), None)


def __getattr__(name: str) -> typer.Typer:
    """`vibecode.cli.main.app`, built on first access: every command, for Typer's test runner."""
    if name == "app":
        return build_app()
    raise AttributeError(name)


def run() -> None:
    """Entry point of the console script."""
    build_app(requested_command(sys.argv[1:]))()
