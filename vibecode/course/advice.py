"""What a step says to someone stuck on it: its hints, and the "If it breaks:" point that fits.

A talking point `If it breaks: <symptom> -> <recovery>` matches a failure when a sign of its
symptom appears in the failure's text: a quoted phrase (`'no such table: users'`), an error
name (`ImportError`, `MissingGreenlet`), an HTTP status (`401`), or a path (`app/models`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from vibecode.course.manifest import Step

IF_IT_BREAKS = "If it breaks:"
_QUOTED = re.compile(r"'([^']{3,})'")
_ERROR_NAME = re.compile(r"\b([A-Z][A-Za-z]*(?:Error|Exception|Greenlet|Warning))\b")
_STATUS = re.compile(r"\b([1-5]\d\d)\b")
_PATH = re.compile(r"\b((?:app|tests|alembic)/[\w./-]+)")


def breaks_points(step: Step) -> list[str]:
    """The step's "If it breaks:" points, without their prefix."""
    return [
        point.removeprefix(IF_IT_BREAKS).strip()
        for point in step.talking_points
        if point.startswith(IF_IT_BREAKS)
    ]


def signs(point: str) -> set[str]:
    """What, in a failure's text, shows that this point's symptom is the one at hand."""
    symptom = point.split("->", 1)[0]
    found = {m.lower() for m in _QUOTED.findall(symptom)}
    found |= {m.lower() for m in _ERROR_NAME.findall(symptom)}
    found |= set(_STATUS.findall(symptom))
    found |= {m.rstrip(".").lower() for m in _PATH.findall(symptom)}
    return found


def matching_points(step: Step, texts: Iterable[str]) -> list[str]:
    """The step's "If it breaks:" points whose symptom shows in these failure texts."""
    haystack = "\n".join(texts).lower()
    return [
        point
        for point in breaks_points(step)
        if any(re.search(rf"(?<!\w){re.escape(sign)}(?!\w)", haystack) for sign in signs(point))
    ]
