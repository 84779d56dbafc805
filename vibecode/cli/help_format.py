"""Typer's help, without a `<bool>` type beside every flag.

A flag takes no value, so the type column has nothing to say about it; Typer prints `<bool>`
there for each one (and for `--help`). A flag whose metavar is empty prints nothing.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperCommand, TyperGroup


def _quiet_flags(params: list[Any]) -> list[Any]:
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


class Command(TyperCommand):
    """A command whose flags show no type in `--help`."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _quiet_flags(super().get_params(ctx))


class Group(TyperGroup):
    """The `vibecode` group: its own flags and `--help` show no type either."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _quiet_flags(super().get_params(ctx))
