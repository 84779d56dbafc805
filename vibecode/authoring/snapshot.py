"""What the author's workspace holds, as a checkpoint: every file the tool manages."""

from __future__ import annotations

from pathlib import Path

from vibecode.errors import VibecodeError
from vibecode.workspace.files import read_files


def workspace_files(workspace: Path) -> dict[str, bytes]:
    """The workspace's files (not `.vibecode/`, caches, databases or `.env`), by path."""
    if not workspace.is_dir():
        raise VibecodeError(
            f"there is no workspace at {workspace}",
            hint="`vibecode goto N` writes step N there; edit it, then record",
        )
    return read_files(workspace)
