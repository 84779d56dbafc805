"""Commands: `vibecode course new|record|edit|save|absorb|check|import|blame` (writing a course)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from vibecode.authoring.render import print_conflict, print_save_report
from vibecode.cli.options import Database, JobsOption, WorkspaceOption
from vibecode.cli.output import err, out
from vibecode.course.loader import load
from vibecode.paths import resolve_workspace

if TYPE_CHECKING:
    pass

course_app = typer.Typer(
    name="course",
    help="Write a course: new, record a step, edit an earlier one, absorb, check.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)


@course_app.command("new")
def new(
    folder: Annotated[Path, typer.Argument(help="The course folder to create (new or empty).")],
    *,
    title: Annotated[str | None, typer.Option(help="The course's title.")] = None,
) -> None:
    """Create a course with one step (a FastAPI app that answers) that passes `course check`."""
    from vibecode.authoring.new import new_course

    root = new_course(folder.expanduser().resolve(), title=title or folder.name)
    out().print(
        f"Created the course {root} (1 step).\n"
        f"  export VIBECODE_COURSE={root}   # or pass --course to every command\n"
        "  vibecode goto 1                  # the first step in ./workshop\n"
        "  ... edit the workspace ...\n"
        '  vibecode course record "Title"   # your changes become step 2\n'
        "  vibecode course check            # prove every step",
        highlight=False,
    )


@course_app.command("record")
def record(
    title: Annotated[str | None, typer.Argument(help="The new step's title.")] = None,
    *,
    amend: Annotated[
        bool, typer.Option("--amend", help="Replace the workspace's current step instead.")
    ] = False,
    goal: Annotated[str | None, typer.Option(help="One line: what the step achieves.")] = None,
    minutes: Annotated[int, typer.Option(min=1, help="The step's budget.")] = 5,
    slug: Annotated[
        str | None, typer.Option(help="The folder name after NN- (from the title).")
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Turn what you changed in the workspace into a new step after its current one."""
    from vibecode.authoring.record import record_step

    ws = resolve_workspace(workspace)
    done = record_step(
        load(whole=True),
        ws,
        title=title,
        goal=goal,
        minutes=minutes,
        slug=slug,
        amend=amend,
        reload=lambda: load(whole=True),
    )
    verb = "Amended" if amend else "Recorded"
    out().print(
        f"{verb} step {done.number} ({done.slug}): {', '.join(done.changed)}", highlight=False
    )
    print_save_report(done.report, console=out())
    if not amend:
        out().print(
            f"[dim]Its talking points and demos are in {_step_toml(done.number)}; the workspace "
            f"is at step {done.number}.[/]",
            highlight=False,
        )


@course_app.command("edit")
def edit(
    number: Annotated[int | None, typer.Argument(min=1, help="The step to change.")] = None,
    *,
    abort: Annotated[
        bool, typer.Option("--abort", help="Drop the edit in progress (the course is untouched).")
    ] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Change an earlier step: the workspace goes to step N; `vibecode course save` when done."""
    from vibecode.authoring.edit import abort_edit, begin_edit
    from vibecode.errors import VibecodeError

    ws = resolve_workspace(workspace)
    course = load(whole=True)
    if abort:
        step = abort_edit(course, ws)
        out().print(f"Dropped the edit of step {step}; the workspace is at its checkpoint.")
        return
    if number is None:
        raise VibecodeError("which step? `vibecode course edit N`")
    begin_edit(course, ws, number)
    later = course.size - number
    out().print(
        f"The workspace {ws} is at step {number} ({course.all_steps[number - 1].title}).\n"
        f"Edit it, then `vibecode course save`: the change goes into step {number} and is "
        f"carried through the {later} step{'s' if later != 1 else ''} after it.",
        highlight=False,
    )


@course_app.command("save")
def save(*, workspace: WorkspaceOption = None) -> None:
    """Save the step being edited and carry the change through every later step."""
    from vibecode.authoring.carry import CarryConflict
    from vibecode.authoring.edit import save_edit

    ws = resolve_workspace(workspace)
    try:
        saved = save_edit(load(whole=True), ws, reload=lambda: load(whole=True))
    except CarryConflict as conflict:
        from vibecode.errors import CheckFailed

        print_conflict(conflict, ws, console=err())
        raise CheckFailed("the change conflicts with a later step: settle it as above") from None
    out().print(f"Saved step {saved.step}.", highlight=False)
    print_save_report(saved.report, console=out())


@course_app.command("absorb")
def absorb(
    *,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say where each edit would go; write nothing.")
    ] = False,
) -> None:
    """Take edits made in the reference app into the steps that introduced those lines."""
    from rich.markup import escape

    from vibecode.authoring.absorb import absorb as absorb_edits

    course = load(whole=True)
    done = absorb_edits(course, dry_run=dry_run)
    if not done.moves:
        out().print("The reference and the last step are the same: nothing to absorb.")
        return
    for move in done.moves:
        where = f"{move.path}:{move.line}" if move.line else move.path
        title = course.all_steps[move.step - 1].title
        out().print(
            f"{escape(where)} {move.kind} -> step {move.step} ({escape(title)})", highlight=False
        )
    if done.report is not None:
        print_save_report(done.report, console=out())
    else:
        out().print("[dim]Dry run: nothing was written.[/]")


@course_app.command("check")
def check(
    *,
    step: Annotated[int | None, typer.Option(help="Check only this step.")] = None,
    start: Annotated[int | None, typer.Option("--from", help="Check from this step on.")] = None,
    db: Annotated[Database, typer.Option(help="Database to check on.")] = Database.sqlite,
    jobs: JobsOption = None,
) -> None:
    """Prove the course: every step's tests, migrations, server and demos; the reference."""
    from vibecode.errors import CheckFailed
    from vibecode.rehearse.session import run_rehearsal

    if db is Database.postgres:
        from vibecode.serve.environment import POSTGRES_URL
        from vibecode.serve.preflight import check_postgres

        check_postgres(POSTGRES_URL)
    passed = run_rehearsal(
        course=load(),
        step=step,
        start=start,
        database=db.value,
        console=out(),
        jobs=jobs,
        benches=False,
    )
    if not passed:
        raise CheckFailed("the course check failed: the steps above say what failed")


@course_app.command("import")
def import_(
    folder: Annotated[Path, typer.Argument(help="A course of full files per step (files/).")],
) -> None:
    """Convert a course of full files per step into its line history, every step unchanged."""
    from vibecode.authoring.importer import import_course

    root = folder.expanduser().resolve()
    done = import_course(root)
    out().print(
        f"Converted {root}: {done.steps} steps, every checkpoint byte for byte the same.\n"
        f"  before: {done.lines_before} lines in {done.files_before} step files\n"
        f"  after:  {done.lines_after} lines in course.weave",
        highlight=False,
    )
    for number, digest in enumerate(done.digests, start=1):
        out().print(f"  step {number:2d}  sha256 {digest}", highlight=False, soft_wrap=True)


@course_app.command("blame")
def blame(
    path: Annotated[str, typer.Argument(help="A file of the course (a workspace path).")],
    *,
    step: Annotated[int | None, typer.Option(help="As at this step (default: the last).")] = None,
) -> None:
    """Each line of a file with the step that introduced it."""
    from rich.markup import escape

    from vibecode.authoring.writer import not_converted
    from vibecode.errors import VibecodeError

    course = load(whole=True)
    if course.source is None:
        raise not_converted(course)
    at = step or course.size
    history = course.source.weave().files.get(path)
    if history is None or not history.exists(at):
        raise VibecodeError(f"step {at} has no file {path}")
    titles = {s.number: s.title for s in course.all_steps}
    width = len(str(course.size))
    for number, entry in enumerate((e for e in history.entries if e.at(at)), start=1):
        text = entry.data.decode("utf-8", "replace").rstrip("\n")
        out().print(
            f"[dim]{entry.first:>{width}} {escape(titles[entry.first][:18]):<18}[/] "
            f"{number:>4} {escape(text)}",
            highlight=False,
            soft_wrap=True,
        )


def _step_toml(number: int) -> Path:
    course = load(whole=True)
    return course.all_steps[number - 1].directory / "step.toml"


def register(app: typer.Typer) -> None:
    """Add this module's command group to the application."""
    app.add_typer(course_app, name="course")
