"""An edit of an earlier step in progress (`vibecode course edit N` ... `vibecode course save`).

Kept in the workspace, never in the course: `.vibecode/course-edit.json` says which course and
step, the course's fingerprint when the edit began, and (after a conflict) the step being
settled; `.vibecode/course-edit/step-NN.json` holds the author's version of each step so far.
"""

from __future__ import annotations

import base64
import json
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from vibecode.atomic import atomic_write
from vibecode.errors import VibecodeError
from vibecode.paths import state_dir

SESSION_FILE = "course-edit.json"
SNAPSHOTS = "course-edit"


@dataclass
class EditSession:
    """Which step of which course is being edited, and the steps settled so far."""

    course: Path
    step: int
    digest: str
    resolving: int | None = None
    """The later step whose conflict the author is settling in the workspace, if any."""
    settled: list[int] = field(default_factory=list)
    """Steps whose version the author gave (the edited step first, then settled conflicts)."""


def session_path(workspace: Path) -> Path:
    """Where the session record lives."""
    return state_dir(workspace) / SESSION_FILE


def load_session(workspace: Path) -> EditSession | None:
    """The edit in progress in this workspace, None when there is none."""
    try:
        data = json.loads(session_path(workspace).read_text(encoding="utf-8"))
        return EditSession(
            course=Path(data["course"]),
            step=int(data["step"]),
            digest=str(data["digest"]),
            resolving=None if data.get("resolving") is None else int(data["resolving"]),
            settled=[int(n) for n in data.get("settled", [])],
        )
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError) as exc:
        raise VibecodeError(
            f"{session_path(workspace)} is damaged ({exc})",
            hint="`vibecode course edit --abort` drops the edit; the course is untouched",
        ) from None


def save_session(workspace: Path, session: EditSession) -> None:
    """Write the session record."""
    data = {
        "course": str(session.course),
        "step": session.step,
        "digest": session.digest,
        "resolving": session.resolving,
        "settled": session.settled,
    }
    state_dir(workspace).mkdir(parents=True, exist_ok=True)
    atomic_write(session_path(workspace), json.dumps(data, indent=1).encode("utf-8"))


def store_version(workspace: Path, step: int, files: Mapping[str, bytes]) -> None:
    """Keep the author's version of `step` (the workspace's files) for the rest of the edit."""
    folder = state_dir(workspace) / SNAPSHOTS
    folder.mkdir(parents=True, exist_ok=True)
    data = {path: base64.b64encode(content).decode("ascii") for path, content in files.items()}
    atomic_write(folder / f"step-{step:02d}.json", json.dumps(data).encode("utf-8"))


def stored_version(workspace: Path, step: int) -> dict[str, bytes]:
    """The author's version of `step` kept by `store_version`."""
    file = state_dir(workspace) / SNAPSHOTS / f"step-{step:02d}.json"
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError) as exc:
        raise VibecodeError(
            f"{file}: the kept version of step {step} is missing or damaged ({exc})",
            hint="`vibecode course edit --abort`, then edit again",
        ) from None
    return {path: base64.b64decode(content) for path, content in data.items()}


def end_session(workspace: Path) -> None:
    """Forget the edit (its record and kept versions)."""
    session_path(workspace).unlink(missing_ok=True)
    shutil.rmtree(state_dir(workspace) / SNAPSHOTS, ignore_errors=True)
