"""The dashboard's bench panel shows the one judgement of a comparison: `bench.verdict.judge`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from vibecode.bench import scenarios, stats
from vibecode.bench.compare import Comparison
from vibecode.bench.config import LoadConfig
from vibecode.bench.measure import Measurement
from vibecode.bench.result import LoadResult
from vibecode.bench.verdict import judge
from vibecode.course.claims import BenchClaim
from vibecode.dashboard.real_backend import RealBackend
from vibecode.dashboard.sample import sample_course


def side(label: str, latency_ms: float, answered: int, **changes: Any) -> Measurement:
    histogram = stats.new_histogram()
    stats.record_all(histogram, [int(latency_ms * 1000)] * answered)
    fields: dict[str, Any] = {
        "config": LoadConfig(url=f"http://127.0.0.1:1/{label}", concurrency=50, duration=1.0),
        "histogram": histogram,
        "duration_s": 1.0,
        "sent": answered,
        "answered_in_window": answered,
        "status": {200: answered},
    }
    fields.update(changes)
    return Measurement(label=label, result=LoadResult(**fields))


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
