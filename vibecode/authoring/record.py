"""`course record "Title"`: what the author changed in the workspace becomes a step.

The workspace is at step N (`vibecode goto N`). Its files become a new step N+1, and the steps
after N (now N+2...) are carried on top of it; with `amend`, they replace step N instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vibecode.authoring.carry import carry
from vibecode.authoring.snapshot import workspace_files
from vibecode.authoring.writer import (
    NewStep,
    SaveReport,
    checkpoints,
    course_digest,
    save_course,
    slugify,
    step_manifest,
)
from vibecode.course.manifest import Course
from vibecode.errors import VibecodeError
from vibecode.workspace.apply import goto
from vibecode.workspace.state import load_state

Reload = Callable[[], Course]


@dataclass(frozen=True)
class Recorded:
    """The step written and what the save changed."""

    number: int
    slug: str
    changed: tuple[str, ...]
    report: SaveReport


def record_step(
    course: Course,
    workspace: Path,
    *,
    title: str | None,
    goal: str | None = None,
    minutes: int = 5,
    slug: str | None = None,
    amend: bool = False,
    reload: Reload,
) -> Recorded:
    """Record the workspace as a new step after its current one, or as it (`amend`)."""
    course_digest(course)  # refuses the older layout with its hint
    from vibecode.authoring.session import load_session

    if load_session(workspace) is not None:
        raise VibecodeError(
            "a `vibecode course edit` is in progress in this workspace",
            hint="`vibecode course save` it (or `vibecode course edit --abort`) first",
        )
    state = load_state(workspace)
    current = state.step
    files = workspace_files(workspace)
    old = checkpoints(course)
    if amend:
        if current == 0:
            raise VibecodeError("the workspace is at step 0: there is no step to amend")
        if files == old[current]:
            raise VibecodeError(f"the workspace holds step {current} as it is: nothing to amend")
        versions = carry(old, current, files, titles=[s.title for s in course.all_steps])
        report = save_course(course, versions)
        goto(reload(), workspace, current, reason="course record --amend")
        changed = _changed(old[current], files)
        return Recorded(
            number=current, slug=course.all_steps[current - 1].slug, changed=changed, report=report
        )
    if not title:
        raise VibecodeError('a new step needs a title: `vibecode course record "Title"`')
    if files == old[current]:
        raise VibecodeError(
            f"the workspace holds step {current} unchanged: nothing to record",
            hint="edit files in the workspace first",
        )
    number = current + 1
    slug = slug or slugify(title)
    if slug in {step.slug for step in course.all_steps}:
        raise VibecodeError(f"a step is already called {slug!r}", hint="pass --slug NAME")
    changed = _changed(old[current], files)
    manifest = step_manifest(title=title, goal=goal or title, minutes=minutes, changed=changed)
    # The new step starts as a copy of step N, so the later steps are carried on top of it.
    placeholder = [*old[:number], old[current], *old[number:]]
    titles = [step.title for step in course.all_steps]
    titles.insert(current, title)
    versions = carry(placeholder, number, files, titles=titles)
    report = save_course(
        course, versions, insert=NewStep(number=number, slug=slug, manifest=manifest)
    )
    goto(reload(), workspace, number, reason="course record")
    return Recorded(number=number, slug=slug, changed=changed, report=report)


def _changed(before: dict[str, bytes], after: dict[str, bytes]) -> tuple[str, ...]:
    return tuple(sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p)))
