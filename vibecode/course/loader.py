"""The course every command reads: which course and track are selected, parsed through the cache.

The selection is `--course DIR` / `--track NAME` (added to every command by the CLI edge), else
`VIBECODE_COURSE` / `VIBECODE_TRACK`, else the built-in course (`steps/` in the checkout). The
options are written to the environment, so the processes a command starts (a rehearsal's, the
dashboard's) read the same course.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from vibecode.paths import steps_root

if TYPE_CHECKING:
    from vibecode.course.manifest import Course

COURSE_VARIABLE = "VIBECODE_COURSE"
TRACK_VARIABLE = "VIBECODE_TRACK"


def select(*, course: Path | None = None, track: str | None = None) -> None:
    """Make `course` and `track` the selection of this process and of the ones it starts."""
    if course is not None:
        os.environ[COURSE_VARIABLE] = str(Path(course).expanduser().resolve())
    if track is not None:
        if track:
            os.environ[TRACK_VARIABLE] = track
        else:
            os.environ.pop(TRACK_VARIABLE, None)


def selected_root() -> Path:
    """The selected course's folder."""
    return steps_root()


def selected_track() -> str | None:
    """The selected track's name, None for the whole course."""
    return os.environ.get(TRACK_VARIABLE) or None


def load(*, track: str | None = None, whole: bool = False) -> Course:
    """The selected course, through the manifest cache; `whole` ignores the selected track."""
    from vibecode.course.manifest import load_course
    from vibecode.course.manifest_cache import ManifestCache, cache_file_for

    root = selected_root()
    cache = ManifestCache(cache_file_for(root))
    chosen = None if whole else (track or selected_track())
    course = load_course(root, read=cache.read, track=chosen)
    cache.save()
    return course
