"""Commands: script (write SCRIPT.md from the steps, or check that it is up to date)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

SCRIPT_NAME = "SCRIPT.md"


def register(app: typer.Typer) -> None:
    """Add this module's commands to the application."""
    app.command("script")(script)


def script(
    *,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 when SCRIPT.md differs from the steps.")
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Where to write (default: the course's `script`, SCRIPT-TRACK.md for a track).",
        ),
    ] = None,
) -> None:
    """Write SCRIPT.md, the presenter's talk track, from the steps."""
    from vibecode.cli.output import out

    written = write_script(output=output, check=check)
    verb = "is up to date" if check else "written"
    out().print(f"{written} {verb}", highlight=False)


def write_script(*, output: Path | None, check: bool) -> Path:
    """Render the script; write it, or (with `check`) raise `CheckFailed` when the file is stale."""
    from vibecode.course.loader import load
    from vibecode.course.script import render_script, script_path
    from vibecode.errors import CheckFailed, VibecodeError

    course = load()
    target = output if output is not None else script_path(course)
    text = render_script(course)
    if check:
        try:
            current = target.read_text(encoding="utf-8")
        except FileNotFoundError:
            current = None
        if current != text:
            state = "missing" if current is None else "stale"
            raise CheckFailed(f"{target} is {state}", hint="run `vibecode script` to regenerate it")
        return target
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise VibecodeError(f"cannot write {target}: {exc.strerror}") from None
    return target
