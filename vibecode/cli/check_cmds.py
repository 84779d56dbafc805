"""Commands for an attendee checking their code: check, hint, solution."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from vibecode.cli.options import DatabaseUrlOption, WorkspaceOption
from vibecode.cli.output import err, out
from vibecode.cli.workspace_cmds import repair_first
from vibecode.course.loader import load
from vibecode.errors import CheckFailed, VibecodeError
from vibecode.paths import command_line, resolve_workspace
from vibecode.room import hooks as room
from vibecode.workspace.render import print_report

if TYPE_CHECKING:
    from vibecode.course.manifest import Course

NextOption = Annotated[
    bool, typer.Option("--next", help="The next step: the one you are typing ahead.")
]
StepOption = Annotated[
    int | None, typer.Option("--step", min=1, help="This step instead of the current one.")
]


def check(
    workspace: WorkspaceOption = None,
    next_step: NextOption = False,
    run_all: Annotated[
        bool, typer.Option("--all", help="Run every test, not only up to the first failure.")
    ] = False,
    watch: Annotated[
        bool, typer.Option("--watch", help="Check again on every save (Ctrl-C stops).")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show pytest's own output.")
    ] = False,
    database_url: DatabaseUrlOption = None,
    with_review: Annotated[
        bool, typer.Option("--review/--no-review", help="Review your code after the tests.")
    ] = True,
) -> None:
    """Run the step's tests on your code, its own new tests first: are you done?"""
    from vibecode.workspace.state import load_state

    ws = resolve_workspace(workspace)
    course = load()
    repair_first(course, ws)
    if watch:
        from vibecode.cli.watch_view import watch_checks

        watch_checks(course, ws, next_step=next_step, database_url=database_url)
        return
    state = load_state(ws)
    review = None
    if with_review:
        from vibecode.cli.review_cmds import start_review

        review = start_review(course, ws, state.step + 1 if next_step else state.step)
    if next_step:
        from vibecode.workspace.follow import check_next

        with err().status(f"running step {state.step + 1}'s tests on your code..."):
            report, _ = check_next(course, ws, database_url=database_url, stop_first=not run_all)
        label = f"your code, the workspace is at step {state.step}"
    else:
        from vibecode.workspace.follow import check_current

        with err().status(f"running step {state.step}'s tests..."):
            report = check_current(
                course, ws, state.step, database_url=database_url, stop_first=not run_all
            )
        label = ""
    room.checked(ws, state.step, report)
    if report.no_tests:
        out().print(f"Step {report.step} declares no tests: nothing to check.", highlight=False)
        return
    if verbose:
        from rich.markup import escape

        out().print(escape(report.output), highlight=False)
    print_report(course, ws, report, label=label, console=out())
    if review is not None:
        review.show()
    if report.ok:
        if next_step:
            err().print(
                f"[dim]{command_line(ws, 'next')} keeps your code as step {report.step}'s[/]",
                highlight=False,
                soft_wrap=True,
            )
        return
    if not verbose:
        more = command_line(ws, "check", *(["--next"] if next_step else []), "--verbose")
        err().print(f"[dim]pytest's output: {more}[/]", highlight=False, soft_wrap=True)
    raise CheckFailed(f"step {report.step}'s tests do not pass yet")


def _chosen_step(course: Course, workspace: Path, step: int | None, next_step: bool) -> int:
    from vibecode.workspace.state import load_state

    if step is not None:
        course.step(step)
        return step
    current = load_state(workspace).step
    number = current + 1 if next_step else current
    if number < 1:
        raise VibecodeError("the workspace is at step 0", hint="`vibecode hint --next`")
    if number > course.last:
        raise VibecodeError(f"step {current} is the last step of the course")
    return number


def hint(
    workspace: WorkspaceOption = None,
    next_step: NextOption = False,
    step: StepOption = None,
    show_all: Annotated[bool, typer.Option("--all", help="Every hint shown so far.")] = False,
) -> None:
    """The next hint for the step you are on (one at a time, as you need them)."""
    from rich.markup import escape

    from vibecode.workspace.solutions import next_hint, shown_hints

    ws = resolve_workspace(workspace)
    course = load()
    number = _chosen_step(course, ws, step, next_step)
    total = len(course.step(number).hints)
    if not total:
        out().print(
            f"Step {number} has no hints. {escape(command_line(ws, 'show', str(number)))} shows "
            f"what it changes, {escape(command_line(ws, 'solution', '--step', str(number)))} "
            "its files.",
            highlight=False,
            soft_wrap=True,
        )
        return
    hints = shown_hints(course, ws, number) if show_all else []
    if not show_all:
        found = next_hint(course, ws, number)
        if found is None:
            out().print(
                f"No more hints for step {number} (all {total} shown: "
                f"{escape(command_line(ws, 'hint', '--step', str(number), '--all'))}). The "
                f"solution: {escape(command_line(ws, 'solution', '--step', str(number)))}",
                highlight=False,
                soft_wrap=True,
            )
            return
        hints = [found]
    for item in hints:
        out().print(
            f"[bold yellow]Hint {item.number}/{item.total}[/] (step {number}): {escape(item.text)}",
            highlight=False,
            soft_wrap=True,
        )


def solution(
    path: Annotated[
        str | None, typer.Argument(metavar="PATH", help="One file (default: list them).")
    ] = None,
    workspace: WorkspaceOption = None,
    next_step: NextOption = False,
    step: StepOption = None,
    write: Annotated[
        bool,
        typer.Option(
            "--write", help="Write it to .vibecode/solutions/ beside yours (never over it)."
        ),
    ] = False,
) -> None:
    """The step's version of a file: shown, or written beside yours to compare."""
    from rich.markup import escape

    from vibecode.workspace.solutions import changed_files, step_version, write_solution

    ws = resolve_workspace(workspace)
    course = load()
    number = _chosen_step(course, ws, step, next_step)
    if path is None:
        from vibecode.workspace.files import read_in

        console = out()
        console.print(
            f"[bold]Step {number}'s solution[/]: the files it adds or changes", highlight=False
        )
        for name in changed_files(course, number):
            try:
                mine = read_in(ws, name)
            except VibecodeError:
                mine = None
            state = (
                "missing here"
                if mine is None
                else "same as yours"
                if mine == step_version(course, number, name)
                else "differs from yours"
            )
            shown = command_line(ws, "solution", name, "--step", str(number))
            console.print(f"  {escape(name)} [dim]({state}): {escape(shown)}[/]", highlight=False)
        return
    if write:
        target = write_solution(course, ws, number, path)
        relative = target.relative_to(ws) if target.is_relative_to(ws) else target
        out().print(
            f"wrote step {number}'s {escape(path)} to {escape(str(target))}", highlight=False
        )
        import shlex

        err().print(
            f"[dim]compare: cd {escape(shlex.quote(str(ws)))} && "
            f"diff -u {escape(shlex.quote(path))} {escape(shlex.quote(str(relative)))}[/]",
            highlight=False,
            soft_wrap=True,
        )
        return
    data = step_version(course, number, path)
    console = out()
    if not console.is_terminal:
        import sys

        sys.stdout.flush()
        sys.stdout.buffer.write(data)  # exactly the file, byte for byte, to redirect or pipe
        return
    from rich.syntax import Syntax

    text = data.decode("utf-8", errors="replace")
    lexer = Syntax.guess_lexer(path, code=text)
    console.print(
        Syntax(text, lexer, line_numbers=True, word_wrap=True, background_color="default")
    )


def register(app: typer.Typer) -> None:
    """Add this module's commands to the application."""
    app.command("check")(check)
    app.command("hint")(hint)
    app.command("solution")(solution)
