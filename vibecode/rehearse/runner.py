"""Rehearse steps one by one: type, test, migrate, serve, fire demos, run benchmarks briefly."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from vibecode.course.manifest import Course, Step
from vibecode.errors import VibecodeError
from vibecode.rehearse.benchcheck import check_scenario
from vibecode.rehearse.database import FreshDatabase

READY_TIMEOUT = 60.0
MAX_FAILURES_SHOWN = 3

OnPhase = Callable[[Step, str], None]


@dataclass(frozen=True)
class StepOutcome:
    """How one step's rehearsal went."""

    number: int
    title: str
    minutes: int
    seconds: float
    problems: tuple[str, ...] = ()
    checks: tuple[str, ...] = field(default_factory=tuple)
    """What ran: tests, server, demos, benches (for the report)."""

    @property
    def ok(self) -> bool:
        """Nothing failed."""
        return not self.problems


def select_steps(course: Course, *, step: int | None = None, start: int | None = None) -> list[int]:
    """The step numbers to rehearse: all, only `step`, or from `start` to the last."""
    if step is not None and start is not None:
        raise VibecodeError("use --step or --from, not both")
    if course.last == 0:
        raise VibecodeError(f"the course in {course.root} has no steps")
    if step is not None:
        course.step(step)
        return [step]
    first = start or course.steps[0].number
    course.step(first)
    return [shown.number for shown in course.steps if shown.number >= first]


def rehearse(
    course: Course,
    workspace: Path,
    numbers: Sequence[int],
    *,
    database: str = "sqlite",
    on_phase: OnPhase | None = None,
    on_outcome: Callable[[StepOutcome], None] | None = None,
    jobs: int = 1,
    benches: bool = True,
) -> list[StepOutcome]:
    """Rehearse `numbers` in `workspace` (a temporary folder the caller owns), `jobs` at once.

    Every step starts from its own checkpoint, so steps are independent: each worker gets its
    own workspace (`workspace`, then `workspace-2`...) and database. Steps that benchmark run
    alone. `benches=False` is `vibecode course check`: the same proof without the benchmarks.
    """
    from vibecode.proof.schedule import run_steps

    jobs = max(1, min(jobs, len(numbers)))
    spaces = [workspace] + [
        workspace.with_name(f"{workspace.name}-{i + 1}") for i in range(1, jobs)
    ]
    databases = [FreshDatabase(space, kind=database) for space in spaces]

    def work(number: int, worker: int) -> StepOutcome:
        outcome = rehearse_step(
            course,
            spaces[worker],
            number,
            fresh=databases[worker],
            on_phase=on_phase,
            benches=benches,
        )
        if on_outcome is not None:
            on_outcome(outcome)
        return outcome

    def exclusive(number: int) -> bool:
        return benches and bool(course.step(number).benches)

    try:
        results = run_steps(numbers, jobs=jobs, work=work, exclusive=exclusive)
    finally:
        for fresh in databases:
            fresh.drop()
    return [results[number] for number in numbers]


def rehearse_step(
    course: Course,
    workspace: Path,
    number: int,
    *,
    fresh: FreshDatabase,
    on_phase: OnPhase | None = None,
    benches: bool = True,
) -> StepOutcome:
    """One step: every phase runs even when an earlier one failed, so the report says it all."""
    from vibecode.proof.review import review_problems
    from vibecode.rehearse.typing import type_step

    step = course.step(number)
    started = time.monotonic()
    problems: list[str] = []
    checks: list[str] = []

    def phase(name: str) -> None:
        if on_phase is not None:
            on_phase(step, name)

    try:
        # As `vibecode type --auto` plays it on stage: hunk by hunk, the app importing after each.
        phase("typing")
        typing_problems, writes = type_step(course, workspace, number, database_url=None)
        problems += typing_problems
        checks.append(f"typed ({_count(writes, 'write')})")
        phase("testing")
        # On PostgreSQL the step's tests get the fresh database too; on SQLite they use their own.
        test_database = fresh.reset() if fresh.kind == "postgres" else None
        problems += _tests(course, workspace, number, checks, database_url=test_database)
        phase("reviewing")
        reviewed, ran = review_problems(course, workspace, number)
        problems += reviewed
        checks += [ran] if ran else []
        phase("migrating")
        database_url = fresh.reset()
        problems += _serve_and_fire(
            course, step, workspace, database_url, phase, checks, benches=benches
        )
    except VibecodeError as error:
        problems.append(str(error))
    return StepOutcome(
        number=number,
        title=step.title,
        minutes=step.minutes,
        seconds=time.monotonic() - started,
        problems=tuple(problems),
        checks=tuple(checks),
    )


def _tests(
    course: Course, workspace: Path, number: int, checks: list[str], *, database_url: str | None
) -> list[str]:
    from vibecode.workspace.checks import run_step_tests

    report = run_step_tests(course, workspace, number, database_url=database_url)
    if report.no_tests:
        return []
    checks.append(_count(report.passed, "test"))
    if report.ok:
        return []
    if not report.failures:
        last = (report.output.strip().splitlines() or ["no output"])[-1]
        return [f"tests: pytest exited {report.returncode}: {last}"]
    shown = [f"{test}: {message}" for test, message in report.failures[:MAX_FAILURES_SHOWN]]
    more = len(report.failures) - len(shown)
    return [f"tests: {failure}" for failure in shown] + ([f"tests: {more} more"] if more else [])


def _serve_and_fire(
    course: Course,
    step: Step,
    workspace: Path,
    database_url: str,
    phase: Callable[[str], None],
    checks: list[str],
    *,
    benches: bool = True,
) -> list[str]:
    from vibecode.demo.runner import run_requests
    from vibecode.serve.recorded import temporary

    if not (workspace / "app" / "main.py").is_file():
        return []  # nothing to serve yet
    problems: list[str] = []
    phase("starting the server")
    with temporary(
        workspace, database_url=database_url, access_log=False, timeout=READY_TIMEOUT
    ) as server:
        checks.append("server")
        if step.demos:
            phase("firing demo requests")
            results = run_requests(server.url, step.demos)
            problems += [f"demo {r.spec.name}: {r.error}" for r in results if not r.ok]
            checks.append(_count(len(results), "demo"))
        held, notes = 0, []
        for scenario in step.benches if benches else ():
            phase(f"benchmark {scenario.name}")
            check = check_scenario(course, scenario, workspace=workspace, base_url=server.url)
            problems += check.problems
            held += check.held
            notes += [check.note] if check.note else []
        if step.benches and benches:
            claims = sum(len(scenario.claims) for scenario in step.benches)
            checks.append(
                _count(len(step.benches), "benchmark")
                + (f" ({held} of {_count(claims, 'claim')} held)" if claims else "")
            )
            checks += notes
    return problems


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
