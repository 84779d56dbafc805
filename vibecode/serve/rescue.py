"""`vibecode rescue` (and the views' `!` key): back on track in one go, in front of a room.

The current step's checkpoint (edits saved first, as every move of the workspace engine does),
the database rebuilt, the server restarted and ready, whoever runs it: through its record.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from vibecode.course.manifest import Course
from vibecode.errors import VibecodeError
from vibecode.serve import migrations, recorded
from vibecode.serve.environment import resolve_database_url
from vibecode.workspace import apply


@dataclass(frozen=True)
class RescueOutcome:
    """What the rescue did, in the lines it prints."""

    step: int
    lines: tuple[str, ...]
    saved: tuple[str, ...] = ()
    saved_set: str | None = None
    server_up: bool = False
    server_problem: str | None = None
    """Why the server did not come back (the app's error); None when it did or none ran."""
    seconds: float = 0.0


def rescue(course: Course, workspace: Path, *, by: str = "vibecode rescue") -> RescueOutcome:
    """Checkpoint, database, server: each step said in one line; raises only before the first."""
    started = time.monotonic()
    result = apply.reset(course, workspace)
    saved = tuple(item.path for item in result.saved)
    saved_set = result.saved[0].set_id if result.saved else None
    changed = len(result.written) + len(result.deleted)
    lines = [f"Step {result.step}: back to its checkpoint ({_files(changed)} rewritten)."]
    if saved:
        lines.append(f"Saved your edits first ({', '.join(saved)}): vibecode restore {saved_set}")
    else:
        lines.append("Nothing of yours to save: no file differed from what the tool wrote.")
    up, problem = False, None
    running = recorded.find(workspace)
    if running is None:
        lines.append(_database_without_server(workspace))
        lines.append("No server is running: `vibecode serve` starts one.")
    else:
        try:
            after = recorded.restart(workspace, by=by, rebuild_database=True)
        except VibecodeError as error:
            problem = str(error)
            lines.append(f"The server did not come back: {problem}")
        else:
            up = after.up
            if after.note:
                lines.append(f"Database: {after.note}.")
            state = "restarted and ready" if up else f"restarted, {after.state}"
            lines.append(f"Server {state} at {after.url}.")
    seconds = time.monotonic() - started
    lines.append(f"Rescued in {seconds:.1f} s.")
    return RescueOutcome(result.step, tuple(lines), saved, saved_set, up, problem, seconds)


def _database_without_server(workspace: Path) -> str:
    database_url = resolve_database_url(workspace)
    note = recorded.rebuild_database_of(workspace, database_url)
    try:
        migrations.upgrade(workspace, database_url=database_url)
    except VibecodeError as error:
        return f"Database: {note}; the migrations failed: {error}"
    return f"Database: {note}."


def _files(count: int) -> str:
    return f"{count} file{'' if count == 1 else 's'}"
