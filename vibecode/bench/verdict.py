"""The one way a comparison is judged: did both sides run cleanly, and did its claims hold?

`vibecode bench` prints the verdict under the table (exit code 1 when it is not clean);
`vibecode rehearse` fails the step with the same lines. A claim that cannot be judged (a side
stopped early, too few probe samples, a side with no answers) is not held.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vibecode.bench.humanize import ms, times
from vibecode.bench.probe import MIN_SAMPLES, shown
from vibecode.course.claims import METRICS, BenchClaim, name

if TYPE_CHECKING:
    from vibecode.bench.compare import Comparison


@dataclass(frozen=True)
class ClaimOutcome:
    """A claim, whether it held (None: it could not be judged), and what was measured."""

    claim: BenchClaim
    statement: str
    held: bool | None
    measured: str

    def line(self) -> str:
        """`held: <claim> (measured ...)`, in words: the same line on screen and in rehearse."""
        word = {True: "held", False: "did not hold", None: "not judged"}[self.held]
        return f"claim {word}: {self.statement}; {self.measured}"

    def summary(self) -> dict[str, Any]:
        """The `--json` shape."""
        return {"claim": self.statement, "held": self.held, "measured": self.measured}


@dataclass(frozen=True)
class Verdict:
    """What was wrong with the runs (`problems`) and how each declared claim came out."""

    problems: tuple[str, ...]
    claims: tuple[ClaimOutcome, ...]

    @property
    def ok(self) -> bool:
        """Both sides ran cleanly and every claim held."""
        return not self.problems and all(outcome.held for outcome in self.claims)

    def failures(self) -> list[str]:
        """One line per problem and per claim that did not hold (what rehearse reports)."""
        return [*self.problems, *(o.line() for o in self.claims if not o.held)]

    def summary(self) -> dict[str, Any]:
        """The `--json` shape."""
        return {
            "ok": self.ok,
            "problems": list(self.problems),
            "claims": [outcome.summary() for outcome in self.claims],
        }


def judge(comparison: Comparison) -> Verdict:
    """The verdict on `comparison`: its problems, and each of its claims evaluated."""
    data = comparison.summary()
    labels = {"a": data["a"]["label"], "b": data["b"]["label"]}
    bounded = {claim.side for claim in comparison.claims if claim.metric == "errors"}
    problems = [
        problem
        for key in ("a", "b")
        for problem in side_problems(data[key], errors_claimed=key in bounded)
    ]
    stopped = comparison.stopped_early
    outcomes = tuple(
        evaluate(claim, data, labels=labels, probe=comparison.probe_path, stopped=stopped)
        for claim in comparison.claims
    )
    return Verdict(problems=tuple(problems), claims=outcomes)


def side_problems(side: dict[str, Any], *, errors_claimed: bool = False) -> list[str]:
    """Why one side's figures cannot be trusted: no answer, failures, error statuses.

    With `errors_claimed` (an `errors` claim bounds this side), failures and error statuses are
    that claim's to judge: the scenario expects a few of them.
    """
    label = side["label"]
    if side.get("stopped_early") and side["requests"] == 0:
        return []  # not run (stopped during the other side): the claims say so
    problems = []
    if side["requests"] == 0:
        samples = "; ".join(side.get("error_samples", {}).values()) or "no request completed"
        problems.append(f"{label}: no answer ({samples})")
    elif side["failed"] and not errors_claimed:
        kinds = ", ".join(f"{kind} x {n}" for kind, n in side["errors"].items())
        noun = "request" if side["failed"] == 1 else "requests"
        problems.append(f"{label}: {side['failed']} {noun} failed ({kinds})")
    bad = error_statuses(side)
    if bad and not errors_claimed:
        shown = ", ".join(f"{n} x {code}" for code, n in sorted(bad.items()))
        problems.append(f"{label}: answered {shown}")
    probe = side.get("probe")
    if probe:
        failed = {kind: n for kind, n in probe["errors"].items() if kind != "timeout"}
        if failed:
            kinds = ", ".join(f"{kind} x {n}" for kind, n in sorted(failed.items()))
            problems.append(f"{label}: {probe['path']} samples failed ({kinds})")
    return problems


def error_statuses(side: dict[str, Any]) -> dict[str, int]:
    """The answers that were not 2xx: status -> count."""
    return {code: n for code, n in side["status"].items() if not code.startswith("2")}


def evaluate(
    claim: BenchClaim,
    data: dict[str, Any],
    *,
    labels: dict[str, str],
    probe: str | None,
    stopped: bool = False,
) -> ClaimOutcome:
    """One claim against a comparison's summary (`Comparison.summary()`)."""
    statement = claim.describe(labels, probe)
    metric = METRICS[claim.metric]

    def outcome(held: bool | None, measured: str) -> ClaimOutcome:
        return ClaimOutcome(claim=claim, statement=statement, held=held, measured=measured)

    if stopped:
        return outcome(None, "not measured: the run was stopped early")
    values: dict[str, float] = {}
    shows: dict[str, str] = {}
    for key in ("a", "b"):
        value, missing = read(claim.metric, data[key])
        if missing:
            return outcome(None, f"{missing} during {name(labels, key)}")
        values[key] = value
        if metric.probe:
            shows[key] = shown(data[key]["probe"], claim.metric.removeprefix("probe_"))
        else:
            shows[key] = _show(value, claim.metric)
    if claim.kind == "bound":
        assert claim.side is not None
        value = values[claim.side]
        held = value > claim.above if claim.above is not None else value < (claim.below or 0.0)
        return outcome(held, f"measured {shows[claim.side]}")
    both = f"{shows['a']} and {shows['b']}"
    if min(values.values()) <= 0:
        return outcome(None, f"cannot divide: {both}")
    big, small = max(values.values()), min(values.values())
    if claim.kind == "similar":
        assert claim.within is not None
        return outcome(big / small <= claim.within, f"measured {times(big / small)}: {both}")
    assert claim.better is not None and claim.by_at_least is not None
    other = "b" if claim.better == "a" else "a"
    mine, theirs = values[claim.better], values[other]
    # In the claim's order: the side said to be better first.
    both = f"{shows[claim.better]} against {shows[other]}"
    ratio = mine / theirs if metric.higher_is_better else theirs / mine
    if ratio >= 1:
        return outcome(ratio >= claim.by_at_least, f"measured {times(ratio)}: {both}")
    return outcome(
        False, f"measured the opposite, {name(labels, other)} {times(1 / ratio)} better: {both}"
    )


def read(metric: str, side: dict[str, Any]) -> tuple[float, str | None]:
    """A metric's value on one side's summary, or why it is missing."""
    if METRICS[metric].probe:
        probe = side.get("probe")
        if not probe:
            return 0.0, "no probe"
        if not probe["enough"]:
            return 0.0, f"not enough {probe['path']} samples ({probe['samples']} of {MIN_SAMPLES})"
        return float(probe[metric.removeprefix("probe_")]), None
    if metric == "errors":
        return float(side["failed"] + sum(error_statuses(side).values())), None
    if side["requests"] == 0:
        return 0.0, "no answer"
    if metric == "rps":
        return float(side["rps"]), None
    return float(side["latency_ms"][metric]), None


def _show(value: float, metric: str) -> str:
    unit = METRICS[metric].unit
    if unit == "ms":
        return ms(value)
    if metric == "errors":
        return f"{value:,.0f} errors"
    return f"{value:,.1f} {unit}"
