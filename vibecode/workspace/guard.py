"""Which folders the tool may make a workspace of, and what adopting one would do.

`/`, the home folder, the course's repository and any folder holding one of them are refused
outright: a workspace is a folder of its own. A folder without a state file is adopted only when
every file in it is a version of a course file (anything else needs `--force`). Every hint that
names `vibecode reset --step N` names a real N: the step whose checkpoint the files match best.
"""

from __future__ import annotations

import contextlib
import shlex
from pathlib import Path
from typing import TYPE_CHECKING

from vibecode.errors import VibecodeError
from vibecode.paths import project_root, steps_root

if TYPE_CHECKING:
    from vibecode.course.manifest import Course

SHOWN_NAMES = 3


class RefusedWorkspace(VibecodeError):
    """A folder the tool never uses as a workspace, or will not adopt without `--force`."""


def protected_folders() -> list[tuple[Path, str]]:
    """Folders that are never a workspace, nor inside one: (folder, what it is)."""
    folders = [(Path("/"), "the root folder"), (Path.home(), "your home folder")]
    folders.append((project_root(), "the vibecode repository"))
    with contextlib.suppress(OSError):
        folders.append((steps_root().parent, "the course's repository"))
    return [(folder.resolve(), name) for folder, name in folders]


def refuse_protected(workspace: Path) -> None:
    """Refuse `/`, the home folder, the repository, and any folder that holds one of them."""
    problem = protection_problem(workspace)
    if problem is not None:
        raise RefusedWorkspace(
            f"{workspace} is {problem}: vibecode never makes it a workspace",
            hint="pass --workspace (-w) a folder of its own, such as ./workshop",
        )


def protection_problem(workspace: Path) -> str | None:
    """Why `workspace` is refused outright, or None."""
    resolved = workspace.resolve()
    for folder, name in protected_folders():
        if resolved == folder:
            return name
        if resolved in folder.parents:
            return f"a folder that holds {name} ({folder})"
    return None


def course_versions(course: Course) -> dict[str, set[str]]:
    """Every version of every course file: path -> the hashes it has in some step."""
    from vibecode.workspace.files import sha256

    versions: dict[str, set[str]] = {}
    for number in range(1, course.size + 1):
        for path, data in course.written(number).items():
            versions.setdefault(path, set()).add(sha256(data))
    return versions


def unknown_files(course: Course, workspace: Path) -> list[str]:
    """Files in the folder that are no version of a course file (someone else's files)."""
    from vibecode.workspace.files import UnsafePath, file_hash, scan

    versions = course_versions(course)
    unknown = []
    for path, file in scan(workspace).items():
        try:
            digest = file_hash(file)
        except (OSError, UnsafePath):
            digest = None
        if digest not in versions.get(path, ()):
            unknown.append(path)
    return unknown


def guess_step(course: Course, workspace: Path) -> int:
    """The step whose checkpoint the folder's files match best (the last one on a tie)."""
    from vibecode.workspace.files import UnsafePath, file_hash, scan, sha256

    on_disk: dict[str, str | None] = {}
    for path, file in scan(workspace).items():
        try:
            on_disk[path] = file_hash(file)
        except (OSError, UnsafePath):
            on_disk[path] = None
    best, best_score = 0, 0
    for step in course.steps:
        content = {path: sha256(data) for path, data in course.checkpoint(step.number).items()}
        score = sum(1 for path, digest in content.items() if on_disk.get(path) == digest)
        if score >= best_score:
            best, best_score = step.number, score
    return best if best_score else (1 if course.steps else 0)


def adoption_hint(workspace: Path, *, course: Course | None = None) -> str:
    """What to type to get a usable workspace here, and exactly what that command will do."""
    from vibecode.paths import resolve_workspace, state_file

    problem = protection_problem(workspace)
    if problem is not None:
        return f"it is {problem}: pass --workspace (-w) a folder of its own, such as ./workshop"
    if course is None:
        try:
            from vibecode.course.loader import load

            course = load()
        except VibecodeError:
            return "`vibecode goto 1 -w <an empty folder>` starts a new workspace"
    step = guess_step(course, workspace)
    words = ["vibecode", "reset", "--step", str(step)]
    if workspace != resolve_workspace(None):
        words += ["-w", str(workspace)]
    target = len(course.checkpoint(step))
    effect = (
        f"writes step {step}'s {target} files, step {step} being the one these files match best, "
        "and saves first any file of yours it replaces; other files stay untouched"
    )
    if state_file(workspace).exists():
        return f"`{shlex.join(words)}` rebuilds the state: it {effect}"
    unknown = unknown_files(course, workspace)
    if not unknown:
        return f"`{shlex.join(words)}` adopts the folder: it {effect}"
    names = ", ".join(unknown[:SHOWN_NAMES]) + (
        f" and {len(unknown) - SHOWN_NAMES} more" if len(unknown) > SHOWN_NAMES else ""
    )
    return (
        f"it holds {len(unknown)} files that are not the course's: {names}; use an empty folder "
        f"with --workspace, or `{shlex.join([*words, '--force'])}` adopts it anyway: it {effect}"
    )


def refuse_unknown(course: Course, workspace: Path, step: int) -> None:
    """Refuse to adopt a folder that holds files the course does not know (without --force)."""
    unknown = unknown_files(course, workspace)
    if unknown:
        shown = ", ".join(unknown[:SHOWN_NAMES]) + (", ..." if len(unknown) > SHOWN_NAMES else "")
        raise RefusedWorkspace(
            f"{workspace} holds {len(unknown)} files that are not the course's: {shown}",
            hint=f"add --force to adopt it at step {step} anyway: those files are saved first "
            "where the step needs their path and stay untouched elsewhere; or use an empty folder",
        )
