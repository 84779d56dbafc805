"""Rehearse a step as `vibecode type --auto` plays it: every hunk must leave an app that imports."""

from __future__ import annotations

from pathlib import Path

from vibecode.course.manifest import Course
from vibecode.live.importcheck import ImportChecker
from vibecode.live.player import Finished
from vibecode.live.session import play_unattended

MAX_SHOWN = 3


def type_step(
    course: Course, workspace: Path, number: int, *, database_url: str | None
) -> tuple[list[str], int]:
    """Type step `number` at full speed: problems (a hunk leaving `app.main` unimportable), writes.

    The workspace ends at the step's checkpoint either way (the last write is the engine's goto).
    """
    broken: list[str] = []
    with ImportChecker(workspace, database_url=database_url) as checker:

        def after(finished: Finished) -> None:
            if not finished.path.endswith(".py") or finished.path.startswith("tests/"):
                return  # only the app's modules can break `import app.main`
            reason = checker.check()
            if reason is not None:
                where = f"hunk {finished.hunk}" if finished.hunk else "written at once"
                broken.append(f"{finished.path} {where}: {reason}")

        outcome = play_unattended(course, workspace, number, after_write=after)
    problems = [f"typing: the app does not import after {item}" for item in broken[:MAX_SHOWN]]
    if len(broken) > MAX_SHOWN:
        problems.append(f"typing: {len(broken) - MAX_SHOWN} more unimportable hunks")
    if broken:
        problems.append(
            f"typing: fix the order or the hunks of step {number} in its step.toml ([typing])"
        )
    if outcome.corrected:
        problems.append(
            "typing: the typed files differed from the checkpoint: " + ", ".join(outcome.corrected)
        )
    return problems, outcome.writes
