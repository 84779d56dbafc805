"""Where things live: the steps folder, the workspace and the tool's state inside it."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

DEFAULT_WORKSPACE = "workshop"
STATE_DIR = ".vibecode"
STATE_FILE = "state.json"
RESERVED_TOP_LEVEL = frozenset({STATE_DIR, ".git"})
"""Top-level names a course may never write: the tool's own folder and a git repository."""


def project_root() -> Path:
    """The vibecode checkout this tool runs from (the tool is installed in editable mode)."""
    return Path(__file__).resolve().parent.parent


def steps_root() -> Path:
    """The selected course's folder: `VIBECODE_COURSE` (or the older `VIBECODE_STEPS`), else the
    built-in course, `steps/` in the checkout (`course/loader.py` sets the variable for
    `--course`)."""
    override = os.environ.get("VIBECODE_COURSE") or os.environ.get("VIBECODE_STEPS")
    return Path(override).expanduser().resolve() if override else project_root() / "steps"


def resolve_workspace(option: str | Path | None = None) -> Path:
    """The workspace folder: the `--workspace` option, `VIBECODE_WORKSPACE`, the workspace the
    current folder is in (an attendee edits inside it), or `./workshop`."""
    raw = option or os.environ.get("VIBECODE_WORKSPACE")
    if raw:
        return Path(raw).expanduser().resolve()
    here = Path.cwd().resolve()
    return enclosing_workspace(here) or here / DEFAULT_WORKSPACE


def enclosing_workspace(folder: Path) -> Path | None:
    """The nearest folder from `folder` up that holds a workspace's state file, if any."""
    for candidate in (folder, *folder.parents):
        if state_file(candidate).is_file():
            return candidate
    return None


def state_file(workspace: Path) -> Path:
    """The workspace's state file (`.vibecode/state.json`; `vibecode.workspace.state` reads it)."""
    return state_dir(workspace) / STATE_FILE


def state_dir(workspace: Path) -> Path:
    """The tool's own folder inside a workspace."""
    return workspace / STATE_DIR


def workspace_path_problem(raw: object) -> str | None:
    """Why `raw` is not a relative POSIX path inside a workspace, or None when it is one.

    One rule for every path the tool takes from a file: step manifests, the state file,
    saved sets.
    """
    if not isinstance(raw, str) or not raw:
        return "not a path"
    if "\x00" in raw or "\\" in raw:
        return "holds a NUL byte or a backslash"
    path = PurePosixPath(raw)
    if path.is_absolute() or any(part in ("..", ".") for part in raw.split("/")):
        return "leaves the workspace"
    if "" in raw.split("/"):
        return "has an empty part"
    if path.parts[0] in RESERVED_TOP_LEVEL:
        return f"is inside {path.parts[0]}/, which belongs to the tool"
    return None


def is_workspace_path(raw: object) -> bool:
    """Whether `raw` is a relative POSIX path inside a workspace (see `workspace_path_problem`)."""
    return workspace_path_problem(raw) is None


def command_line(workspace: Path, *args: str) -> str:
    """The exact `vibecode ...` command to type, with `-w` when the workspace is not the default."""
    import shlex

    parts = ["vibecode", *args]
    if workspace != resolve_workspace(None):
        parts += ["-w", str(workspace)]
    return shlex.join(parts)
