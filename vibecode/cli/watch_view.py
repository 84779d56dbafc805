"""The screen of `vibecode check --watch`: the latest verdict, redrawn after every save."""

from __future__ import annotations

import contextlib
import gc
import time
from pathlib import Path

from vibecode.cli.output import err, out
from vibecode.course.manifest import Course


def watch_checks(
    course: Course, workspace: Path, *, next_step: bool, database_url: str | None
) -> None:
    """Check on every save until Ctrl-C, clearing the screen between verdicts on a terminal."""
    from rich.markup import escape

    from vibecode.paths import command_line
    from vibecode.room import hooks as room
    from vibecode.workspace import watch
    from vibecode.workspace.checks import TestReport
    from vibecode.workspace.render import print_report

    gc.enable()  # `check` starts with the collector off (a quick command); watching is not quick
    console = out()
    started = [time.monotonic()]

    def on_start(paths: list[str]) -> None:
        started[0] = time.monotonic()
        if paths:
            err().print(f"[dim]saved: {escape(', '.join(paths))}: checking...[/]", highlight=False)

    def on_result(report: TestReport, final: bool) -> None:
        if console.is_terminal:
            console.clear()
        if report.no_tests:
            console.print(f"Step {report.step} declares no tests: nothing to check.")
        else:
            label = "your code, ahead of the workspace" if next_step else ""
            print_report(course, workspace, report, label=label, console=out())
        took = time.monotonic() - started[0]
        if not final:
            console.print(
                f"[dim]the step's own new tests pass ({took:.1f}s): running the others...[/]",
                highlight=False,
            )
            return
        room.checked(workspace, report.step - 1 if next_step else report.step, report)
        console.print(
            f"[dim]{time.strftime('%H:%M:%S')}: answered in {took:.1f}s. Watching "
            f"{escape(str(workspace))}: save a file to check again, Ctrl-C to stop."
            + (f" Passed: {escape(command_line(workspace, 'next'))}" if report.ok else "")
            + "[/]",
            highlight=False,
            soft_wrap=True,
        )

    with contextlib.suppress(KeyboardInterrupt):
        watch.watch_checks(
            course,
            workspace,
            next_step=next_step,
            database_url=database_url,
            on_start=on_start,
            on_result=on_result,
        )
    err().print("stopped watching", highlight=False)
