"""Where things live: the steps folder, the workspace and the tool's state inside it."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_WORKSPACE = "workshop"
STATE_DIR = ".vibecode"


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
    """The workspace folder: the `--workspace` option, `VIBECODE_WORKSPACE`, or `./workshop`."""
    raw = option or os.environ.get("VIBECODE_WORKSPACE") or DEFAULT_WORKSPACE
    return Path(raw).expanduser().resolve()


def state_dir(workspace: Path) -> Path:
    """The tool's own folder inside a workspace."""
    return workspace / STATE_DIR
