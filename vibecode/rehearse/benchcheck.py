"""A short version of a step's benchmark scenarios: they run, and their claims hold."""

from __future__ import annotations

from pathlib import Path

from vibecode.course.manifest import BenchScenario, Course
from vibecode.errors import VibecodeError


def check_scenario(
    course: Course, scenario: BenchScenario, *, workspace: Path, base_url: str
) -> list[str]:
    """Problems found running `scenario` briefly: a side that failed, a claim that did not hold."""
    from vibecode.bench.scenarios import run_scenario
    from vibecode.bench.verdict import judge

    try:
        comparison = run_scenario(
            course, scenario.name, ws=workspace, base_url=base_url, short=True
        )
    except VibecodeError as error:
        return [f"bench {scenario.name}: {error}"]
    return [f"bench {scenario.name}: {failure}" for failure in judge(comparison).failures()]
