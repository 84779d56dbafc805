"""Write a course after an authoring command: its line history, new step folders, the reference
the course declares and its SCRIPT.md, in one go, after everything was computed and checked.

Every command builds the course's new checkpoints in memory first (a conflict stops there, and
nothing is written). The history is then written atomically (`course.weave`, one file); a new
step's folder is created, and later folders renumbered, just before it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from vibecode.atomic import atomic_write
from vibecode.course.manifest import WEAVE_FILE, Course, load_course
from vibecode.course.source.weave import dumps, encode_versions, loads
from vibecode.errors import VibecodeError

Files = Mapping[str, bytes]
SLUG_WORDS = 4


@dataclass(frozen=True)
class NewStep:
    """A step to insert: its number in the new course, its slug and its `step.toml` text."""

    number: int
    slug: str
    manifest: str


@dataclass
class SaveReport:
    """What a save changed, for the command to print."""

    steps_changed: list[int] = field(default_factory=list)
    reference_written: list[str] = field(default_factory=list)
    reference_deleted: list[str] = field(default_factory=list)
    reference_saved: Path | None = None
    """Where the author's own edits of the reference went before it was rewritten."""
    script: Path | None = None
    track_scripts: list[Path] = field(default_factory=list)


def course_digest(course: Course) -> str:
    """A fingerprint of the course's history, to notice a change between two commands."""
    import hashlib

    if course.source is None:
        raise not_converted(course)
    return hashlib.sha256(course.source.data).hexdigest()


def not_converted(course: Course) -> VibecodeError:
    """The authoring commands work on a course with a `course.weave`."""
    return VibecodeError(
        f"the course in {course.root} keeps full files per step (the older layout)",
        hint=f"convert it once: `vibecode course import {course.root}`",
    )


def checkpoints(course: Course) -> list[dict[str, bytes]]:
    """Every checkpoint of the course, 0 (empty) to the last, whatever track is shown."""
    return [course.checkpoint(number) for number in range(course.size + 1)]


def save_course(
    course: Course,
    versions: Sequence[Files],
    *,
    insert: NewStep | None = None,
    write_reference: bool = True,
) -> SaveReport:
    """Write `versions` (checkpoints 0..last of the new course) and what follows from them."""
    if course.source is None:
        raise not_converted(course)
    expected = course.size + (1 if insert is not None else 0)
    if len(versions) != expected + 1:
        raise ValueError(f"{len(versions)} checkpoints for a course of {expected} steps")
    text = dumps(encode_versions(list(versions)))
    # The history must give back exactly these checkpoints before anything is written.
    if loads(text).checkpoints() != [dict(sorted(v.items())) for v in versions]:
        raise VibecodeError("internal error: the new course.weave does not rebuild the steps")
    old = checkpoints(course)
    report = SaveReport()
    if insert is not None:
        _insert_step_folder(course, insert)
        old.insert(insert.number, {})  # the new step differs from nothing: it is reported
    report.steps_changed = [n for n in range(1, len(versions)) if old[n] != versions[n]]
    atomic_write(course.root / WEAVE_FILE, text)
    if write_reference and course.info.reference is not None:
        written, deleted, saved = write_reference_files(course, old[-1], versions[-1])
        report.reference_written, report.reference_deleted = written, deleted
        report.reference_saved = saved
    report.script = write_script(course.root, track=None)
    for name in course.info.tracks:
        track_script = write_script(course.root, track=name, only_if_present=True)
        if track_script is not None:
            report.track_scripts.append(track_script)
    return report


def _insert_step_folder(course: Course, step: NewStep) -> None:
    """Renumber the folders from `step.number` on (last first), then create the new one."""
    for later in reversed(course.all_steps):
        if later.number >= step.number:
            renamed = later.directory.with_name(f"{later.number + 1:02d}-{later.slug}")
            os.rename(later.directory, renamed)
    folder = course.root / f"{step.number:02d}-{step.slug}"
    folder.mkdir()
    atomic_write(folder / "step.toml", step.manifest.encode("utf-8"))


def reference_files(course: Course) -> dict[str, bytes]:
    """The files of the reference the course declares (`reference` + `reference_paths`)."""
    root = course.info.reference
    if root is None:
        return {}
    found: dict[str, bytes] = {}
    for name in course.info.reference_paths:
        path = root / name
        if path.is_file():
            found[name] = path.read_bytes()
            continue
        for folder, subfolders, names in os.walk(path):
            subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
            for file_name in names:
                if file_name.endswith(".pyc"):
                    continue
                file = Path(folder, file_name)
                found[file.relative_to(root).as_posix()] = file.read_bytes()
    return dict(sorted(found.items()))


def reference_view(course: Course, files: Files) -> dict[str, bytes]:
    """The part of a checkpoint the reference holds (its paths, or everything without any)."""
    paths = course.info.reference_paths
    if not paths:
        return dict(files)
    return {
        path: data
        for path, data in files.items()
        if any(path == name or path.startswith(f"{name}/") for name in paths)
    }


def write_reference_files(
    course: Course, old_last: Files, new_last: Files
) -> tuple[list[str], list[str], Path | None]:
    """Make the reference equal the new last step: write what differs, remove what it dropped.

    Only files the old last step had are removed: anything else in the reference is the
    author's and stays (`course check` reports it). A file the author changed since the last
    step had it (an edit not absorbed yet) is copied under `.vibecode/saved/` first; the folder
    is returned (None when nothing needed saving).
    """
    root = course.info.reference
    assert root is not None
    current = reference_files(course)
    target = reference_view(course, new_last)
    old_view = reference_view(course, old_last)
    written = [path for path, data in target.items() if current.get(path) != data]
    deleted = [path for path in sorted(old_view) if path not in target and path in current]
    saved = _save_own_edits(
        root, {path: current[path] for path in [*written, *deleted] if path in current}, old_view
    )
    for path in written:
        destination = root / path
        destination.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(destination, target[path])
    for path in deleted:
        (root / path).unlink()
    return written, deleted, saved


def _save_own_edits(root: Path, replaced: Files, old_view: Files) -> Path | None:
    """Copy the files about to be replaced that differ from the course's last step (the
    author's own edits) under `root/.vibecode/saved/reference-<UTC>/`."""
    own = {path: data for path, data in replaced.items() if old_view.get(path) != data}
    if not own:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    folder = root / ".vibecode" / "saved" / f"reference-{stamp}"
    for path, data in own.items():
        destination = folder / path
        destination.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(destination, data)
    return folder


def write_script(root: Path, *, track: str | None, only_if_present: bool = False) -> Path | None:
    """Regenerate the course's SCRIPT.md (or a track's) from the course as it is on disk now."""
    from vibecode.course.script import render_script, script_path

    course = load_course(root, track=track)
    target = script_path(course)
    if only_if_present and not target.is_file():
        return None
    atomic_write(target, render_script(course).encode("utf-8"))
    return target


def slugify(title: str) -> str:
    """A step folder's slug from its title: the first words, lower case, joined by -."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    return "-".join(words[:SLUG_WORDS]) or "step"


def step_manifest(
    *, title: str, goal: str, minutes: int, changed: Sequence[str], demo_hint: bool = True
) -> str:
    """The `step.toml` of a recorded step: its prose, ready to be filled in."""
    shown = ", ".join(f"`{path}`" for path in changed[:6]) or "the files"
    text = (
        f"title = {_toml(title)}\n"
        f"goal = {_toml(goal)}\n"
        f"minutes = {minutes}\n"
        "talking_points = [\n"
        f"    {_toml('Point at: ' + shown + '.')},\n"
        "]\n"
    )
    if demo_hint:
        text += (
            "\n"
            "# Demo requests `vibecode demo` fires, and `vibecode course check` proves:\n"
            "# [[demo]]\n"
            '# name = "health"\n'
            '# path = "/health"\n'
            "# expect = 200\n"
        )
    return text


def _toml(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string
