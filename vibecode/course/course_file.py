"""`course.toml`: what a course says about itself (title, reference, script, tracks).

    title = "Async FastAPI + SQLAlchemy 2.0"
    reference = ".."                      # optional: a folder the last step must equal
    reference_paths = ["app", "tests"]    #   ... for these paths inside it
    script = "../SCRIPT.md"               # where `vibecode script` writes (default SCRIPT.md)

    [review]                              # optional: `vibecode review` is part of this course
    from = { VC304 = "generic-500" }      #   a rule holds from this step on (rule id -> slug)

    [tracks.conference]                   # a cut of the talk: some steps, their own budgets
    title = "The 40-minute conference cut"
    minutes = { skeleton = 3, register = 8 }   # step slug -> minutes, in course order

Paths are relative to the course folder. A track keeps the course's step numbers: its steps'
checkpoints are the course's, so a skipped step's changes arrive with the next step shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from vibecode.errors import StepError

COURSE_FILE = "course.toml"
DEFAULT_SCRIPT = "SCRIPT.md"
TRACK_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


class Track(NamedTuple):
    """A cut of the talk: the steps it shows, each with its budget in minutes."""

    name: str
    title: str
    minutes: Mapping[str, int]
    """Step slug -> minutes, for the steps this track shows."""


class CourseInfo(NamedTuple):
    """The course-level settings of `course.toml` (all optional)."""

    title: str = ""
    reference: Path | None = None
    reference_paths: tuple[str, ...] = ()
    script: str = DEFAULT_SCRIPT
    tracks: Mapping[str, Track] = MappingProxyType({})
    review_from: Mapping[str, str] | None = None
    """`[review]`: None when the course does not use `vibecode review`; else rule id -> the slug
    of the first step held to it (a rule not listed holds at every step)."""

    def script_path(self, root: Path) -> Path:
        """Where SCRIPT.md goes for the course in `root`."""
        return (root / self.script).resolve()


def read_course_file(root: Path) -> CourseInfo:
    """Parse `root/course.toml`; a course without one has the defaults."""
    file = root / COURSE_FILE
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        return CourseInfo()
    import tomllib

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise StepError(f"{file}: not valid TOML: {exc}") from None
    return parse_course_file(file, data)


def parse_course_file(file: Path, data: dict[str, Any]) -> CourseInfo:
    """Validate the TOML data of a `course.toml`; unknown keys are errors."""

    def problem(key: str, message: str) -> StepError:
        return StepError(f"{file}: {key}: {message}")

    known = {"title", "reference", "reference_paths", "script", "tracks", "review"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise problem(unknown[0], "unknown key")
    title = data.get("title", "")
    if not isinstance(title, str):
        raise problem("title", "must be a string")
    reference = data.get("reference")
    if reference is not None and not isinstance(reference, str):
        raise problem("reference", "must be a folder path (a string)")
    paths = data.get("reference_paths", [])
    if not isinstance(paths, list) or not all(isinstance(p, str) and p for p in paths):
        raise problem("reference_paths", "must be a list of paths")
    if paths and reference is None:
        raise problem("reference_paths", "needs `reference`, the folder they are in")
    script = data.get("script", DEFAULT_SCRIPT)
    if not isinstance(script, str) or not script:
        raise problem("script", "must be a file path")
    tracks_data = data.get("tracks", {})
    if not isinstance(tracks_data, dict):
        raise problem("tracks", "must be a table of tracks ([tracks.NAME])")
    tracks = {name: _track(file, name, value) for name, value in tracks_data.items()}
    review = data.get("review")
    if review is not None and (not isinstance(review, dict) or set(review) - {"from"}):
        raise problem("review", "a table with only `from` (rule id = step slug)")
    review_from = None if review is None else review.get("from", {})
    if review_from is not None and not (
        isinstance(review_from, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in review_from.items())
    ):
        raise problem("review.from", 'a table of rule id = "step-slug"')
    return CourseInfo(
        title=title,
        reference=(file.parent / reference).resolve() if reference is not None else None,
        reference_paths=tuple(paths),
        script=script,
        tracks=MappingProxyType(tracks),
        review_from=None if review_from is None else MappingProxyType(review_from),
    )


def _track(file: Path, name: str, data: Any) -> Track:
    where = f"{file}: tracks.{name}"
    if not name or not set(name) <= TRACK_NAME_CHARS:
        raise StepError(f"{where}: a track name is lower-case letters, digits and -")
    if not isinstance(data, dict):
        raise StepError(f"{where}: must be a table")
    unknown = sorted(set(data) - {"title", "minutes"})
    if unknown:
        raise StepError(f"{where}.{unknown[0]}: unknown key")
    title = data.get("title", name)
    minutes = data.get("minutes")
    if not isinstance(title, str):
        raise StepError(f"{where}.title: must be a string")
    if not isinstance(minutes, dict) or not minutes:
        raise StepError(f"{where}.minutes: a table of step slug = minutes, at least one step")
    for slug, value in minutes.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise StepError(f"{where}.minutes.{slug}: must be a whole number of minutes, >= 1")
    return Track(name=name, title=title, minutes=MappingProxyType(dict(minutes)))
