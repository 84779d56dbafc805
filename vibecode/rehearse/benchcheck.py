"""A short version of a step's benchmark scenarios: they run, and their claims hold."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vibecode.course.manifest import BenchScenario, Course
from vibecode.errors import VibecodeError

ATTEMPTS = 2
"""A scenario whose verdict fails runs once more: a busy machine can spoil one short run, a
claim that is not true fails both. A pass on the second run is reported as such."""


@dataclass(frozen=True)
class ScenarioCheck:
    """How a scenario's short run came out."""

    problems: tuple[str, ...]
    """Failures of the last run: a side that failed, a claim that did not hold (and what was
    measured)."""
    held: int
    """Claims that held on the last run."""
    note: str = ""
    """Set when only the second run passed: what the first one measured."""


def check_scenario(
    course: Course, scenario: BenchScenario, *, workspace: Path, base_url: str
) -> ScenarioCheck:
    """Run `scenario` briefly (twice if the first run fails) and judge it."""
    from vibecode.bench.scenarios import run_scenario
    from vibecode.bench.verdict import judge

    first: list[str] = []
    for attempt in range(ATTEMPTS):
        try:
            comparison = run_scenario(
                course, scenario.name, ws=workspace, base_url=base_url, short=True
            )
        except VibecodeError as error:
            return ScenarioCheck(problems=(f"bench {scenario.name}: {error}",), held=0)
        verdict = judge(comparison)
        failures = tuple(f"bench {scenario.name}: {failure}" for failure in verdict.failures())
        held = sum(1 for outcome in verdict.claims if outcome.held)
        if not failures:
            note = (
                f"bench {scenario.name} passed on a second run; the first: {first[0]}"
                if attempt
                else ""
            )
            return ScenarioCheck(problems=(), held=held, note=note)
        first = first or [failure.removeprefix(f"bench {scenario.name}: ") for failure in failures]
    return ScenarioCheck(problems=failures, held=held)
