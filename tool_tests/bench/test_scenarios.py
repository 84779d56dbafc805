"""Scenarios declared in step.toml, run by name: setup captures, both sides, the probe."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tool_tests.bench.bench_kit import FakeServer
from vibecode.bench.scenarios import SHORT_SECONDS, run_scenario, side_database
from vibecode.cli.main import app
from vibecode.course.manifest import load_course
from vibecode.errors import VibecodeError

STEP_TOML = """
title = "Why async"
goal = "see the difference"
minutes = 5
talking_points = ["one"]

[[bench]]
name = "auth-vs-slow"
title = "a private endpoint vs a slow one"
concurrency = 3
duration = 0.6
probe = "/health"
note = "the slow side answers in 60 ms"
[bench.a]
label = "private"
path = "/private"
headers = { Authorization = "Bearer ${token}" }
[bench.b]
label = "slow"
path = "/delay?ms=60"
[[bench.claim]]
metric = "rps"
better = "a"
by_at_least = 2
[[bench.setup]]
name = "login"
method = "POST"
path = "/login"
json = { email = "bench-${run}@example.com" }
capture = { token = "access_token" }
"""


@pytest.fixture
def steps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "steps"
    (root / "01-why-async").mkdir(parents=True)
    (root / "01-why-async" / "step.toml").write_text(STEP_TOML, encoding="utf-8")
    monkeypatch.setenv("VIBECODE_STEPS", str(root))
    return root


@pytest.mark.e2e  # a whole scenario: both sides under seconds of real load
def test_a_scenario_runs_both_sides_by_name(
    server: FakeServer, steps: Path, workspace: Path
) -> None:
    result = CliRunner().invoke(app, ["bench", "auth-vs-slow", "--url", server.url, "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["title"] == "a private endpoint vs a slow one"
    assert (data["a"]["label"], data["b"]["label"]) == ("private", "slow")
    # The setup's captured token reached side A's headers: every request was authorized.
    assert data["a"]["status"] == {"200": data["a"]["requests"]}
    assert server.seen.authorized >= data["a"]["requests"] > 0
    assert data["b"]["latency_ms"]["p50"] >= 60
    assert data["ratios"]["rps"]["better"] == "a"
    assert data["a"]["probe"]["path"] == "/health"
    assert data["a"]["probe"]["samples"] >= 10
    assert data["verdict"]["ok"] is True
    assert data["verdict"]["claims"][0]["claim"] == (
        "\u201cprivate\u201d has at least 2x more requests per second than \u201cslow\u201d"
    )


@pytest.mark.e2e  # a whole scenario: both sides under seconds of real load
def test_a_claim_that_does_not_hold_is_printed_with_the_figures_and_exits_1(
    server: FakeServer, steps: Path, workspace: Path
) -> None:
    toml = STEP_TOML.replace('better = "a"\nby_at_least = 2', 'better = "b"\nby_at_least = 2')
    (steps / "01-why-async" / "step.toml").write_text(toml, encoding="utf-8")
    result = CliRunner().invoke(
        app, ["bench", "auth-vs-slow", "--url", server.url], env={"COLUMNS": "300"}
    )
    assert result.exit_code == 1, result.stdout + result.stderr
    line = next(line for line in result.stdout.splitlines() if "claim did not hold" in line)
    assert (
        "\u201cslow\u201d has at least 2x more requests per second than \u201cprivate\u201d" in line
    )
    assert "measured the opposite, \u201cprivate\u201d" in line and "req/s" in line


@pytest.mark.e2e  # a whole scenario: both sides under seconds of real load
def test_short_runs_the_rehearsal_length_per_side(
    server: FakeServer, steps: Path, workspace: Path
) -> None:
    comparison = run_scenario(
        load_course(steps), "auth-vs-slow", ws=workspace, base_url=server.url, short=True
    )
    assert comparison.a.result.duration_s == pytest.approx(SHORT_SECONDS, abs=0.1)
    assert comparison.b.result.duration_s == pytest.approx(SHORT_SECONDS, abs=0.1)


@pytest.mark.e2e  # a whole scenario: both sides under seconds of real load
def test_a_side_with_a_database_runs_on_its_own_server(
    server: FakeServer, steps: Path, workspace: Path
) -> None:
    toml = STEP_TOML.replace(
        '[bench.b]\nlabel = "slow"', '[bench.b]\nlabel = "slow"\ndb = "postgres"'
    )
    (steps / "01-why-async" / "step.toml").write_text(toml, encoding="utf-8")
    started: list[tuple[Path, str]] = []

    @contextlib.contextmanager
    def fake_server(ws: Path, db: str) -> Iterator[tuple[str, Path | None]]:
        started.append((ws, db))
        # The same fake server under another name, to tell which side went where.
        yield server.url.replace("127.0.0.1", "localhost"), None

    comparison = run_scenario(
        load_course(steps),
        "auth-vs-slow",
        ws=workspace,
        base_url=server.url,
        short=True,
        start_server=fake_server,
        duration=0.3,
    )
    assert started == [(workspace, "postgres")]
    assert comparison.a.result.config.url.startswith(server.url)
    assert comparison.b.result.config.url.startswith("http://localhost:")
    assert comparison.b.result.completed > 0


def test_an_unknown_scenario_names_the_known_ones(steps: Path, workspace: Path) -> None:
    result = CliRunner().invoke(app, ["bench", "nope", "--url", "http://127.0.0.1:9"])
    assert result.exit_code == 2
    assert "auth-vs-slow" in result.stderr


def test_a_scenario_without_a_server_says_how_to_start_one(steps: Path, workspace: Path) -> None:
    with pytest.raises(VibecodeError, match="vibecode serve"):
        run_scenario(load_course(steps), "auth-vs-slow", ws=workspace, base_url=None)


@pytest.mark.e2e
def test_a_postgres_side_gets_a_throwaway_database_dropped_afterwards(
    tmp_path: Path, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vibecode.serve import postgres
    from vibecode.serve.environment import POSTGRES_URL
    from vibecode.serve.preflight import check_postgres

    try:
        check_postgres(POSTGRES_URL, timeout=1.0)
    except VibecodeError:
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with side_database("postgres", workspace, tmp_path) as url:
        name = url.rsplit("/", 1)[1]
        assert name.startswith("vibecode_scenario_")
        assert postgres.server_version(url)  # it exists, and it is not the configured one
        assert url != POSTGRES_URL
    with pytest.raises(VibecodeError, match=name):
        postgres.server_version(url)


def test_without_the_right_to_create_databases_the_configured_one_is_used(
    tmp_path: Path, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vibecode.serve import postgres

    def refuse(url: str, name: str) -> str:
        raise VibecodeError("PostgreSQL: permission denied to create database")

    monkeypatch.setattr(postgres, "recreate_database", refuse)
    configured = "postgresql+asyncpg://someone@127.0.0.1:5432/theirs"
    monkeypatch.setenv("DATABASE_URL", configured)
    with side_database("postgres", workspace, tmp_path) as url:
        assert url == configured
    with side_database("sqlite", workspace, tmp_path) as url:
        assert url == f"sqlite+aiosqlite:///{tmp_path / 'bench.db'}"


@pytest.mark.e2e  # a whole scenario: both sides under seconds of real load
def test_a_scenario_sets_how_long_its_requests_wait(
    server: FakeServer, steps: Path, workspace: Path
) -> None:
    # The slow side answers in 60 ms; with a 0.03 s timeout every one of its requests gives up.
    toml = STEP_TOML.replace("duration = 0.6\n", "duration = 0.6\ntimeout = 0.03\n")
    (steps / "01-why-async" / "step.toml").write_text(toml, encoding="utf-8")
    course = load_course(steps)
    assert course.find_bench("auth-vs-slow")[1].timeout == 0.03
    comparison = run_scenario(course, "auth-vs-slow", ws=workspace, base_url=server.url)
    assert comparison.b.result.config.timeout == 0.03
    assert comparison.b.result.errors.get("timeout", 0) > 0
    assert comparison.b.result.completed == 0
