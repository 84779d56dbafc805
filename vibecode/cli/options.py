"""The options several commands share, defined once."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

R = TypeVar("R")

WorkspaceOption = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        envvar="VIBECODE_WORKSPACE",
        help="The workspace folder (default: ./workshop).",
        show_default=False,
        show_envvar=True,
        file_okay=False,
    ),
]
"""`--workspace/-w` (and `VIBECODE_WORKSPACE`), for every command that reads a workspace."""


DatabaseUrlOption = Annotated[
    str | None,
    typer.Option("--database-url", help="Run the step's tests against this database URL."),
]
"""`--database-url`, for the commands that run a step's tests (`check`, `next`)."""

JobsOption = Annotated[
    int | None, typer.Option(min=1, help="Steps at once (default: one per core).")
]
"""`--jobs`, for the commands that prove steps one per core (`rehearse`, `course check`)."""


class Database(StrEnum):
    """The databases a workspace can be served on."""

    sqlite = "sqlite"
    postgres = "postgres"


CourseOption = Annotated[
    Path | None,
    typer.Option(
        "--course",
        envvar="VIBECODE_COURSE",
        help="The course folder (default: the built-in course).",
        show_default=False,
        show_envvar=True,
        file_okay=False,
    ),
]
"""`--course` (and `VIBECODE_COURSE`): every command reads the course it names."""

TrackOption = Annotated[
    str | None,
    typer.Option(
        "--track",
        envvar="VIBECODE_TRACK",
        help="A cut of the talk declared in the course's course.toml (default: every step).",
        show_default=False,
        show_envvar=True,
    ),
]
"""`--track` (and `VIBECODE_TRACK`): the steps and budgets of one cut of the talk."""


def selecting_course(command: Callable[..., R]) -> Callable[..., R]:
    """`command` with `--course` and `--track` added, selecting the course before it runs.

    `vibecode.cli.main` applies it to every command, so each one reads the course the user
    chose through `vibecode.course.loader` without declaring the options itself.
    """
    import functools
    import inspect
    from typing import get_type_hints

    signature = inspect.signature(command)
    if "course" in signature.parameters:
        return command

    @functools.wraps(command)
    def run(*args: Any, course: Path | None = None, track: str | None = None, **kwargs: Any) -> R:
        from vibecode.course.loader import select

        select(course=course, track=track)
        return command(*args, **kwargs)

    hints = get_type_hints(command, include_extras=True)
    added = [
        inspect.Parameter(
            "course", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=CourseOption
        ),
        inspect.Parameter(
            "track", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=TrackOption
        ),
    ]
    parameters = [
        parameter.replace(annotation=hints.get(name, parameter.annotation))
        for name, parameter in signature.parameters.items()
    ]
    run.__signature__ = signature.replace(parameters=[*parameters, *added])  # type: ignore[attr-defined]
    run.__annotations__ = {**hints, "course": CourseOption, "track": TrackOption}
    return run
