"""`vibecode review` as part of the course proof: every step passes the rules it has taught.

Only for a course whose course.toml has `[review]`. A rule listed in its `from` holds from that
step on; every other rule holds at every step (a rule about tables, Alembic or routers has
nothing to say before they exist).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from vibecode.course.manifest import Course


def rules_not_yet_taught(course: Course, number: int) -> frozenset[str]:
    """The rules step `number` is not held to: those whose first step comes later."""
    first = {step.slug: step.number for step in course.all_steps}
    return frozenset(
        rule
        for rule, slug in (course.info.review_from or {}).items()
        if first.get(slug, 0) > number
    )


def review_from_problems(course: Course) -> list[str]:
    """Entries of course.toml's `[review] from` naming an unknown rule or step."""
    entries = course.info.review_from or {}
    return entry_problems(entries, {step.slug for step in course.all_steps})


def entry_problems(review_from: Mapping[str, str], slugs: set[str]) -> list[str]:
    """Entries (rule id -> step slug) naming an unknown rule or step."""
    from vibecode.review.rules import RULES

    problems = []
    for rule, slug in review_from.items():
        if rule not in RULES:
            problems.append(f"course.toml: review.from: {rule} is not a review rule")
        if slug not in slugs:
            problems.append(f"course.toml: review.from.{rule}: no step named {slug!r}")
    return problems


def review_problems(course: Course, workspace: Path, number: int) -> tuple[list[str], str | None]:
    """The review of step `number`'s workspace as proof problems, and what ran (for the report)."""
    from vibecode.review.runner import review

    if course.info.review_from is None or not (workspace / "app").is_dir():
        return [], None
    result = review(workspace, skip=rules_not_yet_taught(course, number))
    problems = [
        f"review: {finding.path}:{finding.line}: {finding.rule} {finding.message}"
        for finding in result.findings
    ]
    count = len(result.skipped)
    skipped = f" ({count} rule{'s' if count != 1 else ''} not yet taught)" if count else ""
    return problems, f"review{skipped}"
