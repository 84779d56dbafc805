"""`vibecode rehearse` and `vibecode course check`: temporary workspaces, progress, the report.

Both are the same proof (`runner.rehearse`): every selected step from its checkpoint, its tests,
migrations on an empty database, the app started, its demos; the rehearsal adds a short run of
each benchmark. Then what holds for the course as a whole (`proof/course.py`).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from vibecode.rehearse.report import progress, render_report
from vibecode.rehearse.runner import rehearse, select_steps

if TYPE_CHECKING:
    from rich.console import Console

    from vibecode.course.manifest import Course


def run_rehearsal(
    *,
    course: Course,
    step: int | None,
    start: int | None,
    database: str,
    console: Console,
    jobs: int | None = None,
    benches: bool = True,
) -> bool:
    """Rehearse the selected steps in temporary workspaces; True when everything passed.

    The workspaces are removed after a green run and kept (their path printed) after a red one.
    """
    from rich.markup import escape

    from vibecode.proof.course import course_problems
    from vibecode.proof.schedule import default_jobs

    numbers = select_steps(course, step=step, start=start)
    jobs = jobs or default_jobs()
    workspace = Path(tempfile.mkdtemp(prefix="vibecode-rehearse-")) / "workshop"
    what = "Rehearsing" if benches else "Checking"
    track = f" (track {course.track.name})" if course.track else ""
    console.print(
        f"[bold]{what} {len(numbers)} step{'s' if len(numbers) > 1 else ''}[/]{escape(track)} "
        f"on {database}, {jobs} at a time [dim]in {workspace.parent}[/]",
        highlight=False,
    )
    started = time.monotonic()
    try:
        with progress(console, len(numbers)) as (on_phase, on_outcome):
            outcomes = rehearse(
                course,
                workspace,
                numbers,
                database=database,
                on_phase=on_phase,
                on_outcome=on_outcome,
                jobs=jobs,
                benches=benches,
            )
        whole = course_problems(course) if step is None and start is None else []
    except BaseException:
        shutil.rmtree(workspace.parent, ignore_errors=True)
        raise
    title = "Rehearsal" if benches else "Course check"
    render_report(console, outcomes, total_seconds=time.monotonic() - started, title=title)
    for problem in whole:
        console.print(f"[bold red]✗[/] {escape(problem)}", highlight=False)
    passed = all(outcome.ok for outcome in outcomes) and not whole
    if passed:
        shutil.rmtree(workspace.parent, ignore_errors=True)
    else:
        # The first worker's workspace; the others are beside it (workshop-2...).
        # One line whatever the width: the path is for copying.
        console.print(
            f"[dim]The rehearsal workspace is kept for a look: {workspace}[/]", soft_wrap=True
        )
    return passed
