"""What the workspace commands print, on the Rich console a command passes in: a test report as
an attendee needs it (`check`, `check --watch`, `next`), a move, a saved file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from vibecode.errors import VibecodeError
from vibecode.paths import command_line

if TYPE_CHECKING:
    from rich.console import Console

    from vibecode.course.manifest import Course
    from vibecode.workspace.apply import ApplyResult
    from vibecode.workspace.checks import TestReport
    from vibecode.workspace.saved import SavedFile


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


def print_saved(workspace: Path, saved: SavedFile, *, console: Console) -> None:
    """One line for a saved file: what was saved, and the command that brings it back."""
    from rich.markup import escape

    from vibecode.workspace.saved import WHY

    back = command_line(workspace, "restore", saved.set_id, saved.path)
    console.print(
        f"[yellow]saved[/] {escape(saved.path)} [dim]({escape(WHY.get(saved.why, saved.why))})[/]"
        f" -> get it back: [bold]{escape(back)}[/]",
        soft_wrap=True,
        highlight=False,
    )


def print_move(
    course: Course, workspace: Path, result: ApplyResult, *, console: Console, notes: Console
) -> None:
    """What a goto/next/prev/reset did on `console`, creation and conflicts on `notes`."""
    from rich.markup import escape

    if result.created:
        notes.print(f"created the workspace {escape(str(workspace))}", highlight=False)
    if result.step == 0:
        heading = "[bold]Step 0[/]: the empty workspace"
    else:
        step = course.step(result.step)
        heading = (
            f"[bold]Step {step.number}/{course.last}[/]: {escape(step.title)}\n"
            f"[dim]{escape(step.goal)}[/]"
        )
    console.print(heading, highlight=False)
    counts = [f"{len(result.written)} written", f"{len(result.deleted)} deleted"]
    if result.unchanged:
        counts.append(f"{len(result.unchanged)} unchanged")
    if result.saved:
        counts.append(f"{len(result.saved)} saved first")
    if result.kept:
        counts.append(f"{len(result.kept)} of yours kept")
    if result.merged:
        counts.append(f"{len(result.merged)} merged")
    arrow = f"step {result.from_step} -> {result.step}"
    console.print(f"{arrow}: {', '.join(counts)}", highlight=False)
    for path in result.kept:
        console.print(f"  [cyan]kept[/] {escape(path)} (yours)", highlight=False)
    for path in result.merged:
        console.print(
            f"  [green]merged[/] {escape(path)}: your changes and step {result.step}'s",
            highlight=False,
        )
    saved_sets = {saved.path: saved.set_id for saved in result.saved}
    for path in result.conflicts:
        compare = command_line(workspace, "restore", saved_sets.get(path, "latest"), path, "--diff")
        notes.print(
            f"[red]conflict[/] {escape(path)}: your version saved, step {result.step}'s written; "
            f"compare: [bold]{escape(compare)}[/]",
            highlight=False,
            soft_wrap=True,
        )
