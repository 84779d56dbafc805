"""The `vibecode` Typer application: one module per command group registers its commands.

Building a Click command costs start-up time for every option of every command, so a run that
names a command imports only that command's module and registers only that command; `--help`
and unknown names get them all.
"""

from __future__ import annotations

import gc
import sys
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer
    from typer.models import CommandInfo

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
    "check": "check_cmds",
    "hint": "check_cmds",
    "solution": "check_cmds",
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
    "type": "live_cmds",
    "notes": "live_cmds",
    "course": "course_author_cmds",
    "db": "db_cmds",
    "room": "room_cmds",
    "join": "room_cmds",
    "leave": "room_cmds",
}


# Commands that finish within a moment. They run without the cyclic garbage collector: importing
# Typer, Pydantic and Rich allocates hundreds of thousands of objects, and the collector scans
# them again and again meanwhile, about 10% of `vibecode steps` here, while these commands make
# no garbage cycles worth collecting before the process exits. Long-running commands (serve,
# dashboard, bench...) keep it.
QUICK_COMMANDS = frozenset(
    {"steps", "show", "status", "next", "prev", "goto", "checkout", "diff", "check", "reset"}
    | {"restore", "script", "hint", "solution", "join", "leave"}
)


def build_app(command: str | None = None) -> typer.Typer:
    """The Typer app with `command`'s module registered, or every module when it is None."""
    import typer
    from typer.core import TyperCommand

    from vibecode.cli import help_format
    from vibecode.cli.options import selecting_course
    from vibecode.cli.output import guarded

    app = typer.Typer(
        cls=help_format.Group,
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
        import_module(f"vibecode.cli.{COMMAND_MODULES[command]}").register(app)
        # Typer builds a Click command for every registered one: keep only the one named.
        app.registered_commands = [c for c in app.registered_commands if _name(c) == command]
        app.registered_groups = [g for g in app.registered_groups if g.name == command]
    else:
        for name in dict.fromkeys(COMMAND_MODULES.values()):
            import_module(f"vibecode.cli.{name}").register(app)
    groups = [group.typer_instance for group in app.registered_groups if group.typer_instance]
    for info in [c for typer_app in (app, *groups) for c in typer_app.registered_commands]:
        if info.callback is not None:
            info.callback = guarded(selecting_course(info.callback))
        if info.cls in (None, TyperCommand):
            info.cls = help_format.Command
    for group in groups:
        group.info.cls = help_format.Group
    return app


def _name(info: CommandInfo) -> str | None:
    """A registered command's name, as Typer derives it when none was given."""
    from typer.main import get_command_name

    if info.name or info.callback is None:
        return info.name
    return get_command_name(info.callback.__name__)


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
    command = requested_command(sys.argv[1:])
    if command in QUICK_COMMANDS:
        gc.disable()  # before Typer is imported; see QUICK_COMMANDS
    build_app(command)()
