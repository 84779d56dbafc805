"""Ahead or behind: the talk timer against the schedule SCRIPT.md prints."""

from __future__ import annotations

from vibecode.course.manifest import Course
from vibecode.course.script import schedule


def planned_seconds(course: Course, step: int, step_seconds: float) -> float:
    """Where the schedule says the talk should be: the step's start plus its time, up to budget."""
    if not 1 <= step <= course.last:
        return 0.0
    start = schedule(course)[step] * 60
    budget = course.step(step).minutes * 60
    return start + min(step_seconds, budget)


def behind_seconds(course: Course, step: int, talk_seconds: float, step_seconds: float) -> float:
    """Seconds behind the schedule (negative: ahead).

    Arriving at a step later than its start counts, and so does staying past its budget.
    """
    return talk_seconds - planned_seconds(course, step, step_seconds)


def pace_text(seconds_behind: float) -> str:
    """`+01:20 behind`, `-00:45 ahead`, `on time` (within 15 s)."""
    if abs(seconds_behind) < 15:
        return "on time"
    total = int(abs(seconds_behind))
    minutes, secs = divmod(total, 60)
    word = "behind" if seconds_behind > 0 else "ahead"
    sign = "+" if seconds_behind > 0 else "-"
    return f"{sign}{minutes:02d}:{secs:02d} {word}"
