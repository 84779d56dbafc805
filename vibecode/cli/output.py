"""Consoles for the CLI: results on stdout, messages on stderr, one exit helper."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, NoReturn

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from vibecode.errors import VibecodeError


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
