"""`[[bench.claim]]` in step.toml: parsed into claims, validated, described in words."""

from __future__ import annotations

from pathlib import Path

import pytest

from vibecode.course.claims import BenchClaim
from vibecode.course.manifest import load_course
from vibecode.errors import StepError

SCENARIO = """
title = "Why async"
goal = "see it"
minutes = 5
talking_points = ["one"]

[[bench]]
name = "await-vs-block"
title = "await vs block"
probe = "/health"
[bench.a]
label = "await"
path = "/await"
[bench.b]
label = "block"
path = "/block"
"""


def load_claims(tmp_path: Path, claims: str, *, scenario: str = SCENARIO) -> tuple[BenchClaim, ...]:
    step = tmp_path / "steps" / "01-why-async"
    step.mkdir(parents=True)
    (step / "step.toml").write_text(scenario + claims, encoding="utf-8")
    return load_course(tmp_path / "steps").steps[0].benches[0].claims


def test_each_rule_is_parsed(tmp_path: Path) -> None:
    claims = load_claims(
        tmp_path,
        """
[[bench.claim]]
metric = "rps"
better = "a"
by_at_least = 20
[[bench.claim]]
metric = "rps"
within = 1.5
[[bench.claim]]
metric = "probe_p99"
side = "b"
above = 1000
[[bench.claim]]
metric = "errors"
side = "a"
below = 1
""",
    )
    assert claims == (
        BenchClaim(metric="rps", better="a", by_at_least=20.0),
        BenchClaim(metric="rps", within=1.5),
        BenchClaim(metric="probe_p99", side="b", above=1000.0),
        BenchClaim(metric="errors", side="a", below=1.0),
    )
    assert [claim.kind for claim in claims] == ["ratio", "similar", "bound", "bound"]


def test_a_scenario_without_claims_has_none(tmp_path: Path) -> None:
    assert load_claims(tmp_path, "") == ()


@pytest.mark.parametrize(
    ("claim", "problem"),
    [
        (
            'metric = "rps"\nbetter = "a"\nby_at_least = 2\nnote = "x"',
            r"claim\[0\]\.note: unknown key",
        ),
        ('metric = "speed"\nwithin = 2', "'speed' is not one of rps, p50"),
        ('metric = "rps"', "give exactly one rule"),
        ('metric = "rps"\nwithin = 2\nside = "a"\nabove = 3', "give exactly one rule"),
        ('metric = "rps"\nbetter = "c"\nby_at_least = 2', 'better: must be "a" or "b"'),
        ('metric = "rps"\nbetter = "a"', "by_at_least: missing"),
        (
            'metric = "rps"\nbetter = "a"\nby_at_least = 0.5',
            "by_at_least: must be a number of at least 1",
        ),
        ('metric = "rps"\nwithin = true', "within: must be a number"),
        ('metric = "p99"\nside = "a"', "exactly one of above or below"),
        ('metric = "p99"\nside = "a"\nabove = 1\nbelow = 2', "exactly one of above or below"),
        ('metric = "p99"\nside = "a"\nbelow = -1', "below: must be a number of at least 0"),
        ('metric = "errors"\nwithin = 2', "'errors' is a count"),
    ],
)
def test_a_wrong_claim_is_a_clear_error(tmp_path: Path, claim: str, problem: str) -> None:
    with pytest.raises(StepError, match=problem) as caught:
        load_claims(tmp_path, f"[[bench.claim]]\n{claim}\n")
    assert "step.toml" in str(caught.value)


def test_a_probe_claim_needs_the_scenarios_probe(tmp_path: Path) -> None:
    without_probe = SCENARIO.replace('probe = "/health"\n', "")
    with pytest.raises(StepError, match="needs the scenario's probe"):
        load_claims(
            tmp_path,
            '[[bench.claim]]\nmetric = "probe_p50"\nside = "a"\nbelow = 100\n',
            scenario=without_probe,
        )


@pytest.mark.parametrize(
    ("claim", "sentence"),
    [
        (
            BenchClaim(metric="rps", better="a", by_at_least=20),
            "\u201cawait\u201d has at least 20x more requests per second than \u201cblock\u201d",
        ),
        (
            BenchClaim(metric="p99", better="b", by_at_least=2.5),
            "\u201cblock\u201d has at least 2.5x lower p99 latency than \u201cawait\u201d",
        ),
        (
            BenchClaim(metric="probe_p50", better="a", by_at_least=10),
            "/health's median latency is at least 10x lower during \u201cawait\u201d than during"
            " \u201cblock\u201d",
        ),
        (
            BenchClaim(metric="rps", within=1.5),
            "\u201cawait\u201d and \u201cblock\u201d have requests per second within 1.5x of each"
            " other",
        ),
        (
            BenchClaim(metric="probe_p99", side="b", above=1000),
            "/health's p99 latency during \u201cblock\u201d is above 1 s",
        ),
        (
            BenchClaim(metric="p50", side="a", below=250),
            "The median latency of \u201cawait\u201d is below 250 ms",
        ),
        (
            BenchClaim(metric="errors", side="b", below=1),
            "\u201cblock\u201d has fewer than 1 errors (requests without a 2xx answer)",
        ),
    ],
)
def test_a_claim_reads_as_a_sentence(claim: BenchClaim, sentence: str) -> None:
    assert claim.describe({"a": "await", "b": "block"}, "/health") == sentence


def test_sides_with_the_same_label_are_told_apart() -> None:
    claim = BenchClaim(metric="rps", better="b", by_at_least=2)
    assert claim.describe({"a": "x", "b": "x"}) == (
        "\u201cx\u201d (B) has at least 2x more requests per second than \u201cx\u201d (A)"
    )
