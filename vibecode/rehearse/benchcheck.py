"""A short version of a step's benchmark scenarios, so a rehearsal proves they can run.

`vibecode.bench.scenarios.run_scenario(..., short=True)` does it when the bench part provides it;
until then each side's request is fired a few times and must answer 2xx.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vibecode.course.manifest import BenchScenario, BenchTarget, Course
from vibecode.course.templating import new_run_id, render
from vibecode.errors import VibecodeError

QUICK_REQUESTS = 3


def scenario_runner() -> Callable[..., Any] | None:
    """The bench part's `run_scenario`, when it exists."""
    try:
        module = importlib.import_module("vibecode.bench.scenarios")
    except ImportError:
        return None
    runner = getattr(module, "run_scenario", None)
    return runner if callable(runner) else None


def check_scenario(
    course: Course, scenario: BenchScenario, *, workspace: Path, base_url: str, database: str
) -> list[str]:
    """Problems found running `scenario` briefly (empty when it ran)."""
    runner = scenario_runner()
    if runner is not None:
        try:
            comparison = runner(course, scenario.name, ws=workspace, base_url=base_url, short=True)
        except VibecodeError as error:
            return [f"bench {scenario.name}: {error}"]
        return [f"bench {scenario.name} {problem}" for problem in judge(comparison)]
    return quick_check(scenario, base_url=base_url, database=database)


def judge(comparison: Any) -> list[str]:
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


def quick_check(scenario: BenchScenario, *, base_url: str, database: str) -> list[str]:
    """Fire each side's request a few times (after the setup requests) and expect 2xx."""
    import httpx

    from vibecode.demo.runner import run_requests

    problems: list[str] = []
    for side in (scenario.a, scenario.b):
        if side.db is not None and side.db != database:
            continue  # that side runs on its own server with another database
        variables = {"run": new_run_id()}
        setup = run_requests(base_url, scenario.setup, variables=variables)
        failed = [result for result in setup if not result.ok]
        if failed:
            problems.append(f"bench {scenario.name} setup {failed[0].spec.name}: {failed[0].error}")
            continue
        for result in setup:
            variables.update(result.captured)
        with httpx.Client(base_url=base_url, timeout=30.0) as client:
            for seq in range(QUICK_REQUESTS):
                problem = _fire_side(client, side, {**variables, "seq": str(seq)})
                if problem:
                    problems.append(f"bench {scenario.name} {side.label}: {problem}")
                    break
    return problems


def _fire_side(client: Any, side: BenchTarget, variables: dict[str, str]) -> str | None:
    import httpx

    try:
        response = client.request(
            side.method,
            render(side.path, variables),
            headers=render(dict(side.headers), variables),
            json=render(side.json, variables),
        )
    except VibecodeError as error:
        return str(error)
    except httpx.HTTPError as exc:
        return f"{side.method} {side.path} failed: {exc}"
    if not 200 <= response.status_code < 300:
        return f"{side.method} {side.path} answered {response.status_code}"
    return None
