"""Commands: steps, show."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from vibecode.cli.options import WorkspaceOption
from vibecode.cli.output import err, out
from vibecode.course.loader import load
from vibecode.errors import VibecodeError
from vibecode.paths import resolve_workspace

if TYPE_CHECKING:
    from pathlib import Path

    from vibecode.workspace.state import WorkspaceState


def steps(workspace: WorkspaceOption = None) -> None:
    """The course as a table: number, title, minutes, and where the workspace is."""
    from rich.markup import escape
    from rich.table import Table

    ws = resolve_workspace(workspace)
    course = load()
    state = _current_state(ws)
    current = state.step if state is not None else None
    if not course.steps:
        out().print(f"The course in {escape(str(course.root))} has no steps yet.")
        return
    table = Table(title=f"The course: {len(course.steps)} steps", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("Title")
    table.add_column("Min", justify="right")
    table.add_column("")
    for step in course.steps:
        passed = state is not None and step.number in state.passed
        if current is None or step.number > current:
            where, style = "ahead", "dim"
        elif step.number == current:
            where, style = "[bold yellow]> current[/]" + (" [green]passed[/]" if passed else ""), "bold"
        elif passed:
            where, style = "[green]passed[/]", ""
        elif state is not None and step.number in state.reached:
            where, style = "[green]done[/]", ""
        else:
            where, style = "[yellow]skipped[/]", ""
        number, minutes = str(step.number), str(step.minutes)
        table.add_row(number, escape(step.title), minutes, where, style=style)
    total = sum(step.minutes for step in course.steps)
    table.add_section()
    table.add_row("", "Total", str(total), "")
    out().print(table)


def show(
    number: Annotated[
        int | None,
        typer.Argument(min=1, help="The step (default: the workspace's current step)."),
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """What step N changes against the step before, with its talking points."""
    from rich.markup import escape
    from rich.panel import Panel
    from rich.syntax import Syntax

    from vibecode.course.diffs import step_diff

    ws = resolve_workspace(workspace)
    course = load()
    if number is None:
        number = max(_current_step(ws) or 1, 1)
    if not course.steps:
        raise VibecodeError(f"the course in {course.root} has no steps yet")
    step = course.step(number)
    console = out()
    details = [f"[dim]{escape(step.goal)}[/]", f"{step.minutes} minutes"]
    if step.tests:
        details.append("tests: " + ", ".join(escape(t) for t in step.tests))
    console.print(
        Panel(
            "\n".join(details),
            title=f"Step {step.number}/{course.last}: {escape(step.title)}",
            title_align="left",
        )
    )
    points = "\n".join(f"- {escape(point)}" for point in step.talking_points)
    console.print(Panel(points, title="Talking points", title_align="left"))
    changes = step_diff(course, number)
    for change in changes:
        added, removed = change.counts
        console.print(
            f"[bold]{change.status}[/] {escape(change.path)} [green]+{added}[/] [red]-{removed}[/]",
            highlight=False,
        )
    for change in changes:
        console.print(Syntax(change.unified(), "diff", word_wrap=False, background_color="default"))
    if not changes:
        console.print("This step changes no files.", highlight=False)


def _current_step(workspace: Path) -> int | None:
    """The workspace's step, or None without a readable workspace (said on stderr if broken)."""
    state = _current_state(workspace)
    return None if state is None else state.step


def _current_state(workspace: Path) -> WorkspaceState | None:
    """The workspace's state, or None without a readable one (said on stderr if broken)."""
    from vibecode.workspace.state import has_state, load_state

    if not has_state(workspace):
        return None
    try:
        return load_state(workspace)
    except VibecodeError as error:
        from rich.markup import escape

        err().print(f"[yellow]warning:[/] {escape(str(error))}", highlight=False, soft_wrap=True)
        return None


def register(app: typer.Typer) -> None:
    """Add this module's commands to the application."""
    app.command("steps")(steps)
    app.command("show")(show)
