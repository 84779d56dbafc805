"""Consoles for the CLI: results on stdout, messages on stderr, one way to fail."""

from __future__ import annotations

import functools
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, NoReturn, ParamSpec, TypeVar

import typer

from vibecode.errors import Interrupted, VibecodeError

if TYPE_CHECKING:
    from rich.console import Console

P = ParamSpec("P")
R = TypeVar("R")


@cache
def out() -> Console:
    """The console for results (stdout); Rich is imported on first use only.

    No emoji codes: a title such as "Step :one:" stays as written (and printing skips loading
    Rich's emoji table, a start-up cost).
    """
    from rich.console import Console

    return Console(emoji=False)


@cache
def err() -> Console:
    """The console for messages (stderr)."""
    from rich.console import Console

    return Console(stderr=True, emoji=False)


def fail(error: VibecodeError) -> NoReturn:
    """Print a domain error as one line on stderr and exit with its code, without a traceback."""
    from rich.markup import escape

    err().print(f"[bold red]error:[/] {escape(str(error))}", highlight=False, soft_wrap=True)
    raise typer.Exit(code=error.exit_code) from None


def guarded(command: Callable[P, R]) -> Callable[P, R]:
    """A command whose domain and file-system errors become one line on stderr and an exit code.

    `vibecode.cli.main` wraps every registered command with it: commands raise, this reports.
    Ctrl-C is `Interrupted` (exit 130) unless the command said more about what it left.
    """

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except VibecodeError as error:
            fail(error)
        except OSError as error:
            where = f"{error.filename}: " if error.filename else ""
            fail(VibecodeError(f"{where}{error.strerror or error}"))
        except KeyboardInterrupt:
            fail(Interrupted())

    return run
