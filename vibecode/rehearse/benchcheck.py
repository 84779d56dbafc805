"""A short version of a step's benchmark scenarios, so a rehearsal proves they can run."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from vibecode.course.manifest import BenchScenario, Course
from vibecode.errors import VibecodeError

if TYPE_CHECKING:
    from vibecode.bench.compare import Comparison


def check_scenario(
    course: Course, scenario: BenchScenario, *, workspace: Path, base_url: str
) -> list[str]:
    """Problems found running `scenario` briefly (`run_scenario(..., short=True)`)."""
    from vibecode.bench.scenarios import run_scenario

    try:
        comparison = run_scenario(
            course, scenario.name, ws=workspace, base_url=base_url, short=True
        )
    except VibecodeError as error:
        return [f"bench {scenario.name}: {error}"]
    return [f"bench {scenario.name} {problem}" for problem in judge(comparison)]


def judge(comparison: Comparison) -> list[str]:
    """Problems in a short comparison: a side with no answers, or answers that are not 2xx."""
    problems: list[str] = []
    for side in (comparison.a, comparison.b):
        result = side.result
        if result.completed == 0:
            samples = "; ".join(result.error_samples.values()) or "no request completed"
            problems.append(f"{side.label}: no answer ({samples})")
            continue
        bad = {status: n for status, n in result.status.items() if not 200 <= status < 300}
        if bad:
            shown = ", ".join(f"{n} x {status}" for status, n in sorted(bad.items()))
            problems.append(f"{side.label}: answered {shown}")
    return problems
