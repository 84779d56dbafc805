"""A test report as an attendee needs it, on a Rich console; `check`, `check --watch` and `next`
print it (beside the engine that makes the report, so the commands only hand it a console)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from vibecode.errors import VibecodeError
from vibecode.paths import command_line

if TYPE_CHECKING:
    from rich.console import Console

    from vibecode.course.manifest import Course
    from vibecode.workspace.checks import TestReport


def print_report(
    course: Course,
    workspace: Path,
    report: TestReport,
    *,
    console: Console,
    label: str = "",
) -> None:
    """A test report as an attendee needs it: each failure's test, message and lines, then the
    step's matching "If it breaks:" point and its hints."""
    from rich.markup import escape

    counts = [f"{report.passed} passed"]
    for word, value in (("failed", report.failed), ("errors", report.errors)):
        if value:
            counts.append(f"{value} {word}")
    if report.skipped:
        counts.append(f"{report.skipped} skipped")
    summary = f"{', '.join(counts)} in {report.seconds:.1f}s"
    about = f" ({escape(label)})" if label else ""
    if report.ok:
        console.print(f"[bold green]PASS[/] step {report.step}{about}: {summary}", highlight=False)
        return
    console.print(f"[bold red]FAIL[/] step {report.step}{about}: {summary}", highlight=False)
    for problem in report.problems:
        # Full test names on their own line: two failures never look alike.
        console.print(
            f"[red]✗[/] [bold]{escape(problem.nodeid)}[/]", highlight=False, soft_wrap=True
        )
        for line in problem.message.splitlines():
            console.print(f"    {escape(line)}", highlight=False, soft_wrap=True)
        width = max((len(f"{w.path}:{w.line}") for w in problem.where), default=0)
        for where in problem.where:
            place = f"{where.path}:{where.line}"
            console.print(
                f"    [cyan]{escape(place):<{width}}[/]  {escape(where.code)}",
                highlight=False,
                soft_wrap=True,
            )
    if report.stopped and report.not_run:
        console.print(
            f"[dim]stopped at the first failure: {report.not_run} more tests not run "
            f"({escape(command_line(workspace, 'check', '--all'))} runs them all)[/]",
            highlight=False,
            soft_wrap=True,
        )
    _advice(course, workspace, report, console)


def _advice(course: Course, workspace: Path, report: TestReport, console: Console) -> None:
    from rich.markup import escape

    from vibecode.course.advice import matching_points
    from vibecode.workspace.solutions import shown_hints

    step = course.step(report.step)
    texts = [f"{p.nodeid}\n{p.kind}\n{p.message}" for p in report.problems]
    texts += [w.path for p in report.problems for w in p.where]
    for point in matching_points(step, texts):
        console.print(f"[yellow]If it breaks:[/] {escape(point)}", highlight=False, soft_wrap=True)
    try:
        shown = shown_hints(course, workspace, report.step)
    except VibecodeError:
        shown = []
    for hint in shown:
        console.print(
            f"[yellow]Hint {hint.number}/{hint.total}:[/] {escape(hint.text)}",
            highlight=False,
            soft_wrap=True,
        )
    if len(shown) < len(step.hints):
        again = command_line(workspace, "hint", "--step", str(report.step))
        console.print(
            f"[dim]stuck? {escape(again)} shows hint {len(shown) + 1} of {len(step.hints)}[/]",
            highlight=False,
            soft_wrap=True,
        )
