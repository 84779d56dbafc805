"""The dashboard's bench and demo outcomes: the one verdict, the one demo-answer adapter."""

from __future__ import annotations

from pathlib import Path

import pytest

from tool_tests.bench.bench_kit import side
from vibecode.bench import scenarios
from vibecode.bench.compare import Comparison
from vibecode.bench.verdict import judge
from vibecode.course.claims import BenchClaim
from vibecode.dashboard.real_backend import RealBackend
from vibecode.dashboard.sample import sample_course


def test_the_bench_outcome_carries_the_verdicts_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    claims = (
        BenchClaim("rps", better="a", by_at_least=20),  # holds: 960 against 19 req/s
        BenchClaim("p50", better="b", by_at_least=2),  # does not hold
    )
    comparison = Comparison(
        title="t",
        a=side("await", 52, 960),
        b=side("blocking", 2600, 19, status={200: 15, 500: 4}),
        claims=claims,
    )
    monkeypatch.setattr(scenarios, "run_scenario", lambda *args, **kwargs: comparison)
    backend = RealBackend(sample_course(), tmp_path / "ws", url="http://127.0.0.1:1")

    outcome = backend.run_bench("blocking-vs-async", on_progress=lambda progress: None)

    verdict = judge(comparison)
    assert verdict.problems and [o.held for o in verdict.claims] == [True, False]
    assert outcome.lines[0].startswith("await: 960 req/s")
    assert outcome.lines[2:] == (
        *verdict.problems,
        *(claim.line() for claim in verdict.claims),
    )
    assert not any("serves" in line for line in outcome.lines)  # no second judgement


def test_a_demo_answer_shows_the_path_sent_and_the_headers_worth_showing() -> None:
    from vibecode.course.manifest import RequestSpec
    from vibecode.dashboard.real_backend import demo_line
    from vibecode.demo.runner import DemoResult

    spec = RequestSpec(name="read", method="GET", path="/posts/${id}", expect=(200,), note="n")
    result = DemoResult(
        spec=spec,
        method="GET",
        url="http://127.0.0.1:1/posts/7?x=1",
        status=200,
        ms=2.5,
        response_headers={"Content-Type": "application/json", "server": "uvicorn"},
        body={"id": 7},
    )

    line = demo_line(result, "http://127.0.0.1:1/")

    assert (line.name, line.method, line.path, line.status, line.ok) == (
        "read",
        "GET",
        "/posts/7?x=1",
        200,
        True,
    )
    assert dict(line.headers) == {"Content-Type": "application/json"}
    assert (line.body, line.note) == ({"id": 7}, "n")
