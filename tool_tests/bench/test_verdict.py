"""The one verdict on a comparison: problems with either side, and each declared claim."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from tool_tests.bench.bench_kit import side
from vibecode.bench.compare import Comparison
from vibecode.bench.measure import Measurement
from vibecode.bench.probe import ProbeResult
from vibecode.bench.verdict import judge
from vibecode.course.claims import BenchClaim


def probed(measurement: Measurement, *latencies_ms: float, **errors: int) -> Measurement:
    return replace(measurement, probe=ProbeResult("/health", latencies_ms, errors=errors))


AWAIT = probed(side("await", 52, 960), *([4.0] * 25))
BLOCK = probed(side("block", 2600, 19), *([2500.0] * 25))


def outcomes(*claims: BenchClaim, a: Measurement = AWAIT, b: Measurement = BLOCK) -> list[Any]:
    verdict = judge(Comparison(title="t", a=a, b=b, claims=claims))
    return [(o.held, o.measured) for o in verdict.claims]


def test_a_ratio_claim_holds_or_not_with_what_was_measured() -> None:
    assert outcomes(BenchClaim("rps", better="a", by_at_least=20)) == [
        (True, "measured 50.5x: 960.0 req/s against 19.0 req/s")
    ]
    assert outcomes(BenchClaim("rps", better="a", by_at_least=60)) == [
        (False, "measured 50.5x: 960.0 req/s against 19.0 req/s")
    ]
    assert outcomes(BenchClaim("p99", better="b", by_at_least=2)) == [
        (False, "measured the opposite, \u201cawait\u201d 50.0x better: 2.60 s against 52.0 ms")
    ]


def test_a_latency_ratio_reads_lower_as_better() -> None:
    assert outcomes(BenchClaim("probe_p50", better="a", by_at_least=100)) == [
        (True, "measured 625x: 4.00 ms against 2.50 s")
    ]


def test_a_similar_claim_bounds_the_ratio_either_way() -> None:
    twin = side("twin", 53, 950)
    assert outcomes(BenchClaim("rps", within=1.5), b=twin) == [
        (True, "measured 1.0x: 960.0 req/s and 950.0 req/s")
    ]
    assert outcomes(BenchClaim("rps", within=1.5))[0][0] is False


def test_a_bound_claim_compares_one_side_with_a_number() -> None:
    assert outcomes(
        BenchClaim("probe_p50", side="b", above=1000),
        BenchClaim("probe_p50", side="a", below=100),
        BenchClaim("p99", side="a", above=100),
        BenchClaim("errors", side="b", below=1),
    ) == [
        (True, "measured 2.50 s"),
        (True, "measured 4.00 ms"),
        (False, "measured 52.0 ms"),
        (True, "measured 0 errors"),
    ]


def test_a_claim_on_too_few_probe_samples_is_not_judged_and_not_ok() -> None:
    few = probed(side("block", 2600, 19), 5.0, 6.0, 7.0)
    verdict = judge(
        Comparison(
            title="t", a=AWAIT, b=few, claims=(BenchClaim("probe_p50", better="a", by_at_least=10),)
        )
    )
    [outcome] = verdict.claims
    assert outcome.held is None
    assert outcome.measured == "not enough /health samples (3 of 10) during \u201cblock\u201d"
    assert not verdict.ok
    assert verdict.failures() == [outcome.line()]
    assert outcome.line().startswith("claim not judged: /health's median latency is at least")


def test_problems_name_the_side_and_what_went_wrong() -> None:
    errors = side("await", 52, 40, status={200: 40, 500: 2, 401: 1}, errors={"timeout": 3})
    refused = side(
        "block", 0, 0, status={}, errors={"connect": 3}, error_samples={"connect": "refused"}
    )
    verdict = judge(Comparison(title="t", a=probed(errors, *[4.0] * 25, reset=2), b=refused))
    assert verdict.problems == (
        "await: 3 requests failed (timeout x 3)",
        "await: answered 1 x 401, 2 x 500",
        "await: /health samples failed (reset x 2)",
        "block: no answer (refused)",
    )
    assert not verdict.ok


def test_a_clean_run_whose_claims_hold_is_ok() -> None:
    verdict = judge(
        Comparison(
            title="t", a=AWAIT, b=BLOCK, claims=(BenchClaim("rps", better="a", by_at_least=2),)
        )
    )
    assert verdict.ok and verdict.failures() == []
    assert verdict.summary()["claims"][0]["held"] is True


def test_a_stopped_run_judges_no_claim() -> None:
    stopped = replace(BLOCK, result=replace(BLOCK.result, stopped_early=True))
    assert outcomes(BenchClaim("rps", better="a", by_at_least=2), b=stopped) == [
        (None, "not measured: the run was stopped early")
    ]


@pytest.mark.parametrize("metric", ["rps", "p99"])
def test_a_side_without_answers_leaves_its_claims_unjudged(metric: str) -> None:
    silent = side("block", 0, 0, status={})
    assert outcomes(BenchClaim(metric, better="a", by_at_least=2), b=silent) == [
        (None, "no answer during \u201cblock\u201d")
    ]


def test_an_errors_claim_judges_that_sides_errors_instead_of_failing_the_run() -> None:
    # SQLite's lock has no queue: under load one writer in thousands can wait past
    # busy_timeout and get a 500. A scenario that expects a few says so with a bound.
    sqlite = side("SQLite", 700, 2500, status={201: 2499, 500: 1}, errors={"timeout": 1})
    postgres = side("PostgreSQL", 170, 3000, status={201: 2998, 500: 2})
    verdict = judge(
        Comparison(
            title="t",
            a=sqlite,
            b=postgres,
            claims=(BenchClaim("errors", side="a", below=25),),
        )
    )
    assert verdict.problems == ("PostgreSQL: answered 2 x 500",)  # not bounded: a problem
    [outcome] = verdict.claims
    assert (outcome.held, outcome.measured) == (True, "measured 2 errors")
