"""`vibecode rehearse`: a temporary workspace, live progress, the report, the verdict."""

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


def run_rehearsal(
    *,
    steps_root: Path,
    step: int | None,
    start: int | None,
    database: str,
    console: Console,
) -> bool:
    """Rehearse the selected steps in a temporary workspace; True when every step passed.

    The workspace is removed after a green run and kept (its path printed) after a red one.
    """
    from vibecode.course.manifest import load_course

    course = load_course(steps_root)
    numbers = select_steps(course, step=step, start=start)
    workspace = Path(tempfile.mkdtemp(prefix="vibecode-rehearse-")) / "workshop"
    console.print(
        f"[bold]Rehearsing {len(numbers)} step{'s' if len(numbers) > 1 else ''}[/] on {database} "
        f"[dim]in {workspace}[/]",
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
            )
    except BaseException:
        shutil.rmtree(workspace.parent, ignore_errors=True)
        raise
    render_report(console, outcomes, total_seconds=time.monotonic() - started)
    passed = all(outcome.ok for outcome in outcomes)
    if passed:
        shutil.rmtree(workspace.parent, ignore_errors=True)
    else:
        console.print(f"[dim]The rehearsal workspace is kept for a look: {workspace}[/]")
    return passed
