"""The rehearsal: step selection, and a real run of a small course with one broken demo."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tool_tests.serve import fixtures
from vibecode.course.manifest import load_course
from vibecode.errors import StepError, VibecodeError
from vibecode.rehearse.runner import select_steps


def test_step_selection(course_root: Path) -> None:
    course = load_course(course_root)

    assert select_steps(course) == [1, 2]
    assert select_steps(course, step=2) == [2]
    assert select_steps(course, start=2) == [2]
    with pytest.raises(StepError, match="there is no step 3"):
        select_steps(course, start=3)
    with pytest.raises(VibecodeError, match="not both"):
        select_steps(course, step=1, start=1)


@pytest.mark.e2e
@pytest.mark.usefixtures("no_orphans")
def test_rehearse_reports_each_step_and_fails_on_a_broken_demo_and_a_false_claim(
    tmp_path: Path, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = fixtures.make_course(tmp_path / "steps", read_expect=418, claimed_ratio=100)
    monkeypatch.setenv("VIBECODE_STEPS", str(steps))
    monkeypatch.setenv("COLUMNS", "200")
    scratch = tmp_path / "tmp"  # the rehearsal's temporary folders, removed with tmp_path
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))

    done = subprocess.run([sys.executable, "-m", "vibecode", "rehearse"],
                          capture_output=True, text=True, timeout=180)  # fmt: skip

    assert done.returncode == 1, done.stdout + done.stderr
    rows = {line.split("│")[1].strip(): line for line in done.stdout.splitlines()
            if line.startswith("│") and line.split("│")[1].strip().isdigit()}  # fmt: skip
    assert "pass" in rows["1"] and "1 demo" in rows["1"] and "3 min" in rows["1"]
    assert "FAIL" in rows["2"] and "7 min" in rows["2"]
    assert "demo read: expected 418, got 200" in rows["2"]
    # Its short benchmark ran, but the step's claim about it does not hold: said with figures.
    assert "bench sleepy: claim did not hold" in done.stdout.replace("\n", " "), done.stdout
    assert "1 of 2 steps passed" in done.stdout
    assert not workspace.exists()  # the user's workspace is never touched
    kept = Path(done.stdout.split("kept for a look: ")[1].splitlines()[0].strip())
    assert kept.is_dir() and kept != workspace
    assert kept.parent.parent == scratch and kept.parent.name.startswith("vibecode-rehearse-")


def test_fresh_sqlite_database_per_step(tmp_path: Path) -> None:
    from vibecode.rehearse.database import FreshDatabase

    (tmp_path / "vibecode.db").write_text("old")
    (tmp_path / "vibecode.db-wal").write_text("old")
    url = FreshDatabase(tmp_path, kind="sqlite").reset()

    assert url == f"sqlite+aiosqlite:///{tmp_path}/vibecode.db"
    assert not list(tmp_path.glob("vibecode.db*"))


def test_fresh_postgres_database_is_created_and_dropped(tmp_path: Path) -> None:
    from vibecode.rehearse.database import FreshDatabase
    from vibecode.serve import postgres
    from vibecode.serve.environment import POSTGRES_URL
    from vibecode.serve.preflight import check_postgres

    try:
        check_postgres(POSTGRES_URL, timeout=1.0)
    except VibecodeError:
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    fresh = FreshDatabase(tmp_path, kind="postgres")
    url = fresh.reset()
    try:
        assert url.endswith(f"/{fresh.name}")
        assert postgres.server_version(url)  # it exists and accepts connections
        assert fresh.reset() == url  # a second step gets it empty again
    finally:
        fresh.drop()
    with pytest.raises(VibecodeError, match=fresh.name):
        postgres.server_version(url)


def _comparison(rps_a: int, rps_b: int) -> Any:
    """A comparison of two clean sides answering `rps_a` and `rps_b` requests in one second,
    with the claim that A answers at least twice as many."""
    from vibecode.bench import stats
    from vibecode.bench.compare import Comparison
    from vibecode.bench.config import LoadConfig
    from vibecode.bench.measure import Measurement
    from vibecode.bench.result import LoadResult
    from vibecode.course.claims import BenchClaim

    def side(label: str, answered: int) -> Measurement:
        histogram = stats.new_histogram()
        stats.record_all(histogram, [5000] * answered)
        config = LoadConfig(url="http://127.0.0.1:9/x", duration=1.0)
        result = LoadResult(
            config=config,
            histogram=histogram,
            duration_s=1.0,
            sent=answered,
            answered_in_window=answered,
            status={200: answered},
        )
        return Measurement(label=label, result=result)

    claim = BenchClaim("rps", better="a", by_at_least=2)
    return Comparison(title="t", a=side("fast", rps_a), b=side("slow", rps_b), claims=(claim,))


@pytest.mark.parametrize(
    ("runs", "problems", "note"),
    [
        ([(300, 100)], (), ""),
        (
            [(150, 100), (300, 100)],
            (),
            "bench s passed on a second run; the first: claim did not hold: \u201cfast\u201d has"
            " at least 2x more requests per second than \u201cslow\u201d; measured 1.5x: 150.0"
            " req/s against 100.0 req/s",
        ),
        (
            [(150, 100), (120, 100)],
            (
                "bench s: claim did not hold: \u201cfast\u201d has at least 2x more requests per"
                " second than \u201cslow\u201d; measured 1.2x: 120.0 req/s against 100.0 req/s",
            ),
            "",
        ),
    ],
)
def test_a_scenario_that_fails_runs_once_more_and_says_so(
    monkeypatch: pytest.MonkeyPatch,
    course_root: Path,
    runs: list[tuple[int, int]],
    problems: tuple[str, ...],
    note: str,
) -> None:
    from vibecode.bench import scenarios
    from vibecode.course.manifest import BenchScenario, BenchTarget
    from vibecode.rehearse.benchcheck import check_scenario

    results = iter([_comparison(a, b) for a, b in runs])
    calls: list[bool] = []

    def fake_run(*args: Any, short: bool = False, **kwargs: Any) -> Any:
        calls.append(short)
        return next(results)

    monkeypatch.setattr(scenarios, "run_scenario", fake_run)
    target = BenchTarget(label="x", method="GET", path="/x")
    scenario = BenchScenario(name="s", title="t", a=target, b=target)
    check = check_scenario(
        load_course(course_root), scenario, workspace=course_root, base_url="http://x"
    )
    assert (check.problems, check.note) == (problems, note)
    assert calls == [True] * len(runs)  # short runs, at most two


def test_the_rehearsal_table_shows_whole_titles_when_the_terminal_has_room() -> None:
    import io

    from rich.console import Console

    from vibecode.rehearse.report import render_report
    from vibecode.rehearse.runner import StepOutcome

    title = "Read and list posts: eager loading, pagination, no N+1"
    outcomes = [StepOutcome(16, title, 10, 12.3, checks=("tests 12 passed", "server"))]

    def table(width: int) -> str:
        console = Console(file=io.StringIO(), width=width)
        render_report(console, outcomes, total_seconds=12.3)
        return console.file.getvalue()  # type: ignore[attr-defined,no-any-return]

    assert title in table(160)
    narrow = table(80)
    assert title not in narrow and "Read and list posts: eage…" in narrow
    assert "tests 12" in narrow  # the detail column keeps room to be read
