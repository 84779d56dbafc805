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

    from vibecode.course.diffs import FileDiff
    from vibecode.course.manifest import Course, Step
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
            where, style = (
                "[bold yellow]> current[/]" + (" [green]passed[/]" if passed else ""),
                "bold",
            )
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
    file: Annotated[
        str | None, typer.Option("--file", metavar="PATH", help="Only this file's change.")
    ] = None,
    patch: Annotated[
        bool,
        typer.Option("--patch", help="A plain unified diff to apply (`patch -p1`, `git apply`)."),
    ] = False,
    no_pager: Annotated[
        bool, typer.Option("--no-pager", help="Never page long output (PAGER picks the pager).")
    ] = False,
) -> None:
    """What step N changes against the step before, with its talking points."""
    from vibecode.course.diffs import step_diff

    ws = resolve_workspace(workspace)
    course = load()
    if number is None:
        number = max(_current_step(ws) or 1, 1)
    if not course.steps:
        raise VibecodeError(f"the course in {course.root} has no steps yet")
    step = course.step(number)
    changes = step_diff(course, number)
    if file is not None:
        changes = [change for change in changes if change.path == file]
        if not changes:
            names = ", ".join(c.path for c in step_diff(course, number)) or "no file"
            raise VibecodeError(
                f"step {number} does not change {file}", hint=f"it changes: {names}"
            )
    console = out()
    if patch or not console.is_terminal:
        # Full lines, no colour, nothing cut: what a file or another program must receive.
        text = "".join(change.unified(exact=patch) for change in changes)
        if not patch and file is None:
            text = _plain_header(course, step, changes) + text
        _emit(text, plain=True, no_pager=no_pager)
        return
    _emit(
        _rendered(course, step, changes, talking_points=file is None),
        plain=False,
        no_pager=no_pager,
    )


def _points(step: Step) -> list[str]:
    """The step's talking points, `${url}` filled with the running server's URL."""
    from vibecode.course.templating import talk_text
    from vibecode.paths import resolve_workspace
    from vibecode.serve.record import read_server

    running = read_server(resolve_workspace(None))
    return [talk_text(point, url=running.url if running else None) for point in step.talking_points]


def _plain_header(course: Course, step: Step, changes: list[FileDiff]) -> str:
    lines = [
        f"Step {step.number}/{course.last}: {step.title}",
        step.goal,
        f"{step.minutes} minutes",
    ]
    if step.tests:
        lines.append("tests: " + ", ".join(step.tests))
    lines += ["", "Talking points:"]
    lines += [f"- {point}" for point in _points(step)]
    lines.append("")
    for change in changes:
        added, removed = change.counts
        lines.append(f"{change.status} {change.path} +{added} -{removed}")
    if not changes:
        lines.append("This step changes no files.")
    return "\n".join(lines) + "\n\n"


def _rendered(course: Course, step: Step, changes: list[FileDiff], *, talking_points: bool) -> str:
    """The step on a terminal: panels, then each file's diff in syntax colours, as ANSI text."""
    import io

    from rich.console import Console
    from rich.markup import escape
    from rich.panel import Panel

    from vibecode.course.diff_render import render_diff

    screen = out()
    buffer = io.StringIO()
    console = Console(
        file=buffer, force_terminal=True, width=screen.width, emoji=False,
        no_color=screen.no_color, color_system="truecolor" if screen.color_system else None,
    )  # fmt: skip
    if talking_points:
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
        points = "\n".join(f"- {escape(point)}" for point in _points(step))
        console.print(Panel(points, title="Talking points", title_align="left"))
    for change in changes:
        for row in render_diff(change, width=console.width):
            console.print(row, no_wrap=True, crop=False)
    if not changes:
        console.print("This step changes no files.", highlight=False)
    return buffer.getvalue()


def _emit(text: str, *, plain: bool, no_pager: bool) -> None:
    import sys

    console = out()
    if no_pager or not console.is_terminal:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from vibecode.cli.pager import page

    page(text, lines=text.count("\n"), height=console.height)


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
