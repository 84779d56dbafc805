"""Fixtures for the typing engine's tests; the helpers live in `live_kit`."""

from __future__ import annotations

import pytest

from vibecode.course.manifest import Course, load_course
from vibecode.paths import steps_root


@pytest.fixture(scope="session")
def real_course() -> Course:
    """The course in steps/."""
    return load_course(steps_root())
