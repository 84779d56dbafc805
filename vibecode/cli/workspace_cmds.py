"""Commands: status, next, prev, goto, checkout, diff, check, reset, restore."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the application."""
