"""Commands: review (the template's rules on a project), new feature (its feature guide)."""

from __future__ import annotations

import threading
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from vibecode.cli.options import WorkspaceOption

if TYPE_CHECKING:
    from vibecode.course.manifest import Course
    from vibecode.review.runner import Review


class Kind(StrEnum):
    """What `vibecode new` makes."""

    feature = "feature"


def register(app: typer.Typer) -> None:
    """Add this module's commands to the application."""
    app.command("review")(review)
    app.command("new")(new)


def review(
    path: Annotated[
        Path | None,
        typer.Argument(
            help="A workspace or a project laid out like the template (default: the workspace)."
        ),
    ] = None,
    *,
    workspace: WorkspaceOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="The findings as JSON.")] = False,
    every_rule: Annotated[
        bool,
        typer.Option("--all", help="In a workspace, also the rules its step has not taught yet."),
    ] = False,
) -> None:
    """Check the template's rules (async, ids, errors, migrations, tests): file:line and the fix."""
    from vibecode.cli.output import err, out
    from vibecode.paths import resolve_workspace
    from vibecode.review.render import as_json as render_json
    from vibecode.review.render import as_text
    from vibecode.review.runner import review as run_review

    root = path.resolve() if path is not None else resolve_workspace(workspace)
    skip = frozenset() if every_rule else _not_yet_taught(root)
    with err().status(f"reviewing {root}..."):
        result = run_review(root, skip=skip)
    if as_json:
        typer.echo(render_json(result))
    else:
        for line in as_text(result):
            out().print(line, highlight=False, markup=False, soft_wrap=True)
    if not result.ok:
        raise typer.Exit(code=1)


def _not_yet_taught(root: Path) -> frozenset[str]:
    """In a workspace of a course with `[review]`: the rules its step is not held to yet."""
    from vibecode.paths import state_file

    if not state_file(root).is_file():
        return frozenset()
    from vibecode.course.loader import load
    from vibecode.proof.review import rules_not_yet_taught
    from vibecode.workspace.state import load_state

    return rules_not_yet_taught(load(), load_state(root).step)


def new(
    kind: Annotated[Kind, typer.Argument(help="What to make: `feature`.")],
    name: Annotated[str, typer.Argument(help="The feature, singular snake case: `product`.")],
    fields: Annotated[
        list[str] | None,
        typer.Argument(
            help="FIELD:TYPE ... (str, text, int, float, bool, datetime; `?` optional)."
        ),
    ] = None,
    *,
    owned: Annotated[
        bool,
        typer.Option("--owned", help="Each item belongs to a user; only its owner changes it."),
    ] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Make a whole feature: model, migration, schemas, service, router and its tests."""
    from vibecode.cli.output import out
    from vibecode.paths import resolve_workspace
    from vibecode.scaffold.feature import new_feature

    root = resolve_workspace(workspace)
    made = new_feature(root, name, fields or [], owned=owned)
    for written in made.written:
        out().print(f"  wrote {written}", highlight=False)
    out().print(f"  registered {made.registered}", highlight=False)
    out().print(
        f"{len(made.written)} files in {made.seconds:.2f} s. Next: `python -m pytest "
        f"{made.test_file}` and `vibecode review` in the workspace, then make it yours.",
        highlight=False,
        soft_wrap=True,
    )


class BackgroundReview:
    """`vibecode check`'s closing part: the review of the attendee's code with the rules of one
    step, started beside the tests (its tools run on the core pytest leaves free) and shown
    after them.

    Advice beside the tests: it never changes check's exit code (the step's tests say whether
    the step is done); `vibecode review` exits 1 on a finding.
    """

    def __init__(self, course: Course, ws: Path, step: int) -> None:
        from vibecode.proof.review import rules_not_yet_taught

        self._ws = ws
        self._skip = rules_not_yet_taught(course, step)
        self._result: Review | None = None
        self._error: BaseException | None = None
        # A daemon thread: a check that fails early never waits for the review to exit.
        self._thread = threading.Thread(target=self._run, name="vibecode-review", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        from vibecode.review.runner import review as run_review

        try:
            self._result = run_review(self._ws, skip=self._skip)
        except BaseException as error:  # shown in the command's thread, as it would be there
            self._error = error

    def show(self) -> None:
        """Wait for the review and print it."""
        from vibecode.cli.output import err, out
        from vibecode.review.render import as_text

        with err().status("reviewing your code..."):
            self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        out().print("")
        out().print("Review (the template's rules):", style="bold", highlight=False)
        for line in as_text(self._result):
            out().print(line, highlight=False, markup=False, soft_wrap=True)


def start_review(course: Course, ws: Path, step: int) -> BackgroundReview | None:
    """The review `vibecode check` shows after the tests, started now; None when the course
    does not teach the template's rules or nothing is written yet."""
    if course.info.review_from is None or not (ws / "app").is_dir():
        return None
    if not 1 <= step <= course.last:
        return None  # the check itself says what is wrong with the step
    return BackgroundReview(course, ws, step)
