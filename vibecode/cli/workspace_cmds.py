"""Commands: status, next, prev, goto, checkout, diff, reset, restore.

Each command parses its options and hands off to `vibecode.workspace`; the domain modules and Rich
are imported inside the commands, so `vibecode --help` and `vibecode status` start fast.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from vibecode.cli.options import DatabaseUrlOption, WorkspaceOption
from vibecode.cli.output import err, out
from vibecode.course.loader import load
from vibecode.errors import VibecodeError
from vibecode.paths import command_line, resolve_workspace
from vibecode.room import hooks as room

if TYPE_CHECKING:
    from vibecode.course.manifest import Course
    from vibecode.workspace.apply import ApplyResult
    from vibecode.workspace.saved import SavedFile


def print_saved(workspace: Path, saved: SavedFile) -> None:
    """One line on stderr for a saved file, and the command that brings it back."""
    from vibecode.workspace.render import print_saved as show

    show(workspace, saved, console=err())


def repair_first(course: Course, workspace: Path) -> None:
    """Finish a move that was cut short before a command reads the workspace."""
    from vibecode.workspace.apply import repair

    result = repair(course, workspace, on_saved=lambda s: print_saved(workspace, s))
    if result is not None:
        err().print(
            f"[yellow]finished[/] the interrupted move to step {result.step}",
            highlight=False,
            soft_wrap=True,
        )


def report_move(course: Course, workspace: Path, result: ApplyResult) -> None:
    """What a goto/next/prev/reset did, on stdout; saved files were announced as they were saved."""
    from vibecode.workspace.render import print_move

    print_move(course, workspace, result, console=out(), notes=err())


def _move(
    workspace: Path | None,
    apply: Callable[[Course, Path, Callable[[SavedFile], None]], ApplyResult],
) -> None:
    """Run one apply (goto, next, prev, reset) with the shared output and Ctrl-C handling."""
    ws = resolve_workspace(workspace)
    course = load()
    before = _step_on_disk(ws)
    with _saying_what_an_interrupt_left(ws, before):
        result = apply(course, ws, lambda saved: print_saved(ws, saved))
    report_move(course, ws, result)
    room.moved(ws, result.step)


@contextlib.contextmanager
def _saying_what_an_interrupt_left(workspace: Path, before: int | None) -> Iterator[None]:
    """Ctrl-C during a move: `Interrupted` with what the state on disk says (exit 130)."""
    from vibecode.errors import Interrupted

    try:
        yield
    except KeyboardInterrupt:
        raise Interrupted(interrupted_message(workspace, before)) from None


def _step_on_disk(workspace: Path) -> int | None:
    from vibecode.workspace.state import load_state

    try:
        return load_state(workspace).step
    except VibecodeError:
        return None


def interrupted_message(workspace: Path, before: int | None) -> str:
    """What an interrupted move left, read from the state on disk: never a guess."""
    from vibecode.workspace.state import load_state

    try:
        state = load_state(workspace)
    except VibecodeError:
        return "interrupted before the workspace was created: nothing changed"
    if state.pending is not None:
        # Which way it goes depends on the command: say both, each with its command.
        finish = command_line(workspace, "status")
        back = command_line(workspace, "goto", str(state.step))
        return (
            f"interrupted: the workspace is between step {state.step} and step "
            f"{state.pending.step}, your edits saved first; `{finish}` completes the move to "
            f"step {state.pending.step}, `{back}` returns to step {state.step}"
        )
    if state.step == before:
        return f"interrupted before anything changed: the workspace is still at step {state.step}"
    return f"interrupted after the move had finished: the workspace is at step {state.step}"


def status(workspace: WorkspaceOption = None) -> None:
    """The current step, the workspace, and the files you changed since the tool wrote them."""
    from rich.markup import escape
    from rich.table import Table

    from vibecode.workspace.diff import local_changes
    from vibecode.workspace.state import load_state

    ws = resolve_workspace(workspace)
    course = load()
    state = load_state(ws)
    if state.pending is not None:
        repair_first(course, ws)
        state = load_state(ws)
    written = course.checkpoint(state.step) if state.step <= course.last else {}
    changes = local_changes(ws, state, written=written)
    console = out()
    console.print(f"[bold]Workspace[/] {escape(str(ws))}", highlight=False, soft_wrap=True)
    if state.step == 0:
        console.print(f"[bold]Step[/] 0 of {course.last}: the empty workspace", highlight=False)
    elif state.step > course.last:
        raise VibecodeError(
            f"the workspace is at step {state.step}, but the course ends at {course.last}",
            hint=f"`vibecode reset --step {course.last}`",
        )
    else:
        step = course.step(state.step)
        passed = " [green](its tests passed)[/]" if state.step in state.passed else ""
        console.print(
            f"[bold]Step[/] {step.number} of {course.last}: {escape(step.title)}{passed}"
            f"\n[dim]{escape(step.goal)}[/]",
            highlight=False,
        )
    if changes.clean:
        console.print("No changes since the tool wrote this step.", highlight=False)
    else:
        # The title is printed on its own: as a table title it wrapped over the narrow table.
        console.print("[bold]Changed since the tool wrote them[/]", highlight=False)
        table = Table()
        table.add_column("File", overflow="fold")
        table.add_column("What", overflow="fold")
        for path in changes.changed:
            what = "[yellow]changed[/]"
            if path in changes.line_endings:
                what = "[yellow]line endings only[/] (CRLF/LF)"
            elif path in state.kept:
                what = f"[cyan]yours[/] (kept as step {state.kept[path]}'s code)"
            table.add_row(escape(path), what)
        for path in changes.missing:
            table.add_row(escape(path), "[red]deleted[/]")
        for path in changes.new:
            table.add_row(escape(path), "[cyan]new[/] (the tool never wrote it)")
        for path, why in changes.unreadable:
            table.add_row(escape(path), f"[red]not read[/]: {escape(why)}")
        console.print(table)
    room_line = room.status_line(ws, state.step)
    if room_line is not None:
        console.print(escape(room_line), highlight=False, soft_wrap=True)
    if state.step < course.last:
        upcoming = course.step(state.step + 1)
        console.print(
            f"[dim]next: {escape(command_line(ws, 'next'))} -> step {upcoming.number}: "
            f"{escape(upcoming.title)}[/]",
            highlight=False,
            soft_wrap=True,
        )


def next_(
    workspace: WorkspaceOption = None,
    keep_mine: Annotated[
        bool,
        typer.Option(
            "--keep-mine", help="Keep your files even if they do not pass the step's tests."
        ),
    ] = False,
    database_url: DatabaseUrlOption = None,
) -> None:
    """Go to the next step; your own code is kept when it passes that step's tests."""
    from rich.markup import escape

    from vibecode.workspace.follow import advance

    ws = resolve_workspace(workspace)
    course = load()
    repair_first(course, ws)
    before = _step_on_disk(ws)
    with _saying_what_an_interrupt_left(ws, before):
        result = advance(
            course,
            ws,
            keep_mine=keep_mine,
            database_url=database_url,
            on_saved=lambda saved: print_saved(ws, saved),
            on_checking=lambda found: err().print(
                f"[dim]you wrote {len(found.theirs)} of step {found.step}'s files: running its "
                "tests on your code...[/]",
                highlight=False,
            ),
        )
    room.moved(ws, result.apply.step)
    if result.theirs and not result.kept:
        from vibecode.workspace.render import print_report

        if result.report is not None and not result.report.no_tests:
            print_report(course, ws, result.report, label="your code", console=err())
        why = (
            f"step {result.apply.step} has no tests to check your code"
            if result.report is None or result.report.no_tests
            else f"your code does not pass step {result.apply.step}'s tests yet"
        )
        err().print(
            f"[yellow]{why}[/]: your files were saved and the step's written (the commands "
            f"above bring them back); {escape(command_line(ws, 'next', '--keep-mine'))} keeps "
            "them instead",
            highlight=False,
            soft_wrap=True,
        )
    elif result.kept:
        how = (
            "--keep-mine"
            if keep_mine
            else "a passing `check --next` on these files"
            if result.reused
            else "they pass its tests"
        )
        err().print(
            f"[green]your code is step {result.apply.step}'s now[/] ({how}): "
            f"{len(result.theirs)} of your files kept, only what you did not write was written",
            highlight=False,
            soft_wrap=True,
        )
    report_move(course, ws, result.apply)


def prev(workspace: WorkspaceOption = None) -> None:
    """Go back to the previous step (your edits are saved first)."""
    from vibecode.workspace.apply import move

    _move(workspace, lambda course, ws, on_saved: move(course, ws, -1, on_saved=on_saved))


def goto(
    number: Annotated[int, typer.Argument(min=0, help="The step number (0: the empty workspace).")],
    workspace: WorkspaceOption = None,
    merge: Annotated[
        bool,
        typer.Option("--merge", help="Carry your changes across with a three-way merge per file."),
    ] = False,
) -> None:
    """Go to step N in one go, forward or backward; creates the workspace if needed."""
    from vibecode.workspace.apply import goto as apply_goto

    _move(
        workspace,
        lambda course, ws, on_saved: apply_goto(course, ws, number, on_saved=on_saved, merge=merge),
    )


def diff(
    workspace: WorkspaceOption = None,
    stat: Annotated[bool, typer.Option("--stat", help="Only list the files.")] = False,
) -> None:
    """Your workspace against the current step's checkpoint: what you changed, what is missing."""
    from rich.markup import escape

    from vibecode.workspace.diff import workspace_diff
    from vibecode.workspace.state import load_state

    ws = resolve_workspace(workspace)
    course = load()
    repair_first(course, ws)
    step = load_state(ws).step
    result = workspace_diff(course, ws, step)
    console = out()
    if not result.files:
        console.print(f"The workspace matches step {step}'s checkpoint.", highlight=False)
        return
    console.print(f"[bold]Workspace vs step {step}[/]", highlight=False)
    for change in result.changed:
        added, removed = change.counts
        console.print(
            f"  [yellow]changed[/] {escape(change.path)} [green]+{added}[/] [red]-{removed}[/]",
            highlight=False,
        )
    for path in result.missing:
        console.print(f"  [red]missing[/] {escape(path)}", highlight=False)
    for path in result.extra:
        console.print(f"  [cyan]new[/]     {escape(path)} (not in the step)", highlight=False)
    if stat:
        return
    if console.is_terminal:
        from vibecode.course.diff_render import render_diff

        for change in result.changed:
            for row in render_diff(change, width=console.width):
                console.print(row, no_wrap=True, crop=False)
    else:  # piped: the plain diff, full lines
        for change in result.changed:
            text = change.unified(old_prefix=f"step-{step}/", new_prefix="workspace/")
            console.print(text, end="", markup=False, highlight=False, soft_wrap=True)
    if result.missing:
        back = command_line(ws, "reset")
        console.print(
            f"[dim]{escape(back)} brings the missing files back (saving your edits first)[/]",
            highlight=False,
            soft_wrap=True,
        )


def reset(
    workspace: WorkspaceOption = None,
    step: Annotated[
        int | None,
        typer.Option("--step", min=0, help="Reset to this step (also rebuilds a broken state)."),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Adopt a folder that holds files the course does not know."),
    ] = False,
) -> None:
    """Back to the current step's checkpoint (or --step N's); your edits are saved first."""
    from vibecode.workspace.apply import reset as apply_reset

    _move(
        workspace,
        lambda course, ws, on_saved: apply_reset(
            course, ws, step=step, force=force, on_saved=on_saved
        ),
    )


def restore(
    ident: Annotated[
        str | None,
        typer.Argument(metavar="ID", help="A saved set (its name, a unique prefix, or `latest`)."),
    ] = None,
    paths: Annotated[
        list[str] | None,
        typer.Argument(metavar="PATH", help="Only these files of the set."),
    ] = None,
    workspace: WorkspaceOption = None,
    compare: Annotated[
        bool,
        typer.Option("--diff", help="Show what restoring would change; write nothing."),
    ] = False,
) -> None:
    """List the saved sets, or bring one back (saving what it replaces in turn)."""
    from rich.markup import escape
    from rich.table import Table

    from vibecode.workspace import saved as saved_sets
    from vibecode.workspace.state import load_state

    ws = resolve_workspace(workspace)
    if ident is None:
        sets = saved_sets.list_saved(ws)
        if not sets:
            out().print(f"No saved files in {escape(str(ws))}.", highlight=False)
            return
        table = Table(title="Saved sets, newest first", title_justify="left")
        for column in ("ID", "Step", "Saved by", "Files"):
            table.add_column(column)
        for item in sets:
            names = [f.path for f in item.files]
            shown = ", ".join(names[:3]) + (f" (+{len(names) - 3})" if len(names) > 3 else "")
            table.add_row(item.id, str(item.step), escape(item.reason), escape(shown))
        out().print(table)
        err().print(
            f"[dim]bring one back: {escape(command_line(ws, 'restore', 'ID'))}[/]",
            highlight=False,
            soft_wrap=True,
        )
        return
    if compare:
        _compare_saved(ws, ident, paths or [])
        return
    course = load()
    repair_first(course, ws)
    state = load_state(ws)
    result = saved_sets.restore(ws, ident, paths or (), owned=state.owned, step=state.step)
    for saved_file in result.saved:
        print_saved(ws, saved_file)
    for path in result.restored:
        out().print(f"restored {escape(path)} from {result.saved_set.id}", highlight=False)
    for path in result.unchanged:
        out().print(f"{escape(path)} already matches the saved copy", highlight=False)


def _compare_saved(workspace: Path, ident: str, paths: list[str]) -> None:
    """The diff from each workspace file to its saved copy: what `restore` would change."""
    from vibecode.course.diffs import FileDiff
    from vibecode.workspace import saved as saved_sets
    from vibecode.workspace.files import read_in

    chosen = paths or [f.path for f in saved_sets.find_saved(workspace, ident).files]
    for path in chosen:
        saved_set, copy = saved_sets.saved_copy(workspace, ident, path)
        current = read_in(workspace, path)
        if current == copy:
            out().print(f"{path} already matches the saved copy in {saved_set.id}", highlight=False)
            continue
        change = FileDiff(path, "added" if current is None else "changed", current, copy)
        out().print(
            change.unified(old_prefix="workspace/", new_prefix=f"{saved_set.id}/"),
            end="",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )


def register(app: typer.Typer) -> None:
    """Add this module's commands to the application."""
    app.command("status")(status)
    app.command("next")(next_)
    app.command("prev")(prev)
    app.command("goto")(goto)
    app.command("checkout", help="Alias of `goto`: go to step N.")(goto)
    app.command("diff")(diff)
    app.command("reset")(reset)
    app.command("restore")(restore)
