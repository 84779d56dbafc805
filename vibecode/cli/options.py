"""The options several commands share, defined once."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

WorkspaceOption = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        envvar="VIBECODE_WORKSPACE",
        help="The workspace folder (default: ./workshop).",
        show_default=False,
        show_envvar=True,
        file_okay=False,
    ),
]
"""`--workspace/-w` (and `VIBECODE_WORKSPACE`), for every command that reads a workspace."""


class Database(StrEnum):
    """The databases a workspace can be served on."""

    sqlite = "sqlite"
    postgres = "postgres"
