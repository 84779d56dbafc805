"""What a benchmark scenario claims (`[[bench.claim]]` in step.toml), in words and as a rule.

A claim names a metric and one of three rules:
- `better = "a" | "b"`, `by_at_least = R`: that side is at least R times better than the other
  (more req/s, or lower latency);
- `within = R`: neither side is more than R times better than the other ("about the same");
- `side = "a" | "b"` with `above = X` or `below = X`: that side's value is past a bound, in the
  metric's unit (req/s, milliseconds, or a count of errors).

A side bounded by an `errors` claim is judged by it; any other side fails the comparison on
its first error (a request without an answer, or an answer that is not 2xx).

`vibecode bench` evaluates them (`vibecode.bench.verdict`); `vibecode rehearse` fails the step
when one does not hold; SCRIPT.md quotes them. This module only describes them: it is on the
start-up path of every command that loads the course, so it imports nothing.
"""

from __future__ import annotations

from typing import NamedTuple


class Metric(NamedTuple):
    """A figure a claim can be about."""

    words: str
    """How a sentence names it: "requests per second", "p99 latency"."""
    unit: str
    higher_is_better: bool
    ratio_words: str
    """How the better side's ratio reads: "more" (req/s) or "lower" (latencies)."""
    probe: bool = False
    """Measured by the scenario's probe (needs `probe = "/path"`)."""


METRICS: dict[str, Metric] = {
    "rps": Metric("requests per second", "req/s", True, "more"),
    "p50": Metric("median latency", "ms", False, "lower"),
    "p90": Metric("p90 latency", "ms", False, "lower"),
    "p99": Metric("p99 latency", "ms", False, "lower"),
    "max": Metric("max latency", "ms", False, "lower"),
    "probe_p50": Metric("median latency", "ms", False, "lower", probe=True),
    "probe_p99": Metric("p99 latency", "ms", False, "lower", probe=True),
    "probe_max": Metric("max latency", "ms", False, "lower", probe=True),
    "errors": Metric("errors", "requests", False, "fewer"),
}
"""Every metric a claim may name; `errors` (requests without a 2xx answer) only with a bound,
since a count can be zero."""
SIDES = ("a", "b")
RULES = {
    "ratio": ("better", "by_at_least"),
    "similar": ("within",),
    "bound": ("side", "above", "below"),
}
"""Each rule and the keys that spell it in a `[[bench.claim]]` table."""


class BenchClaim(NamedTuple):
    """One claim of a scenario: a metric and the rule its measured values must follow."""

    metric: str
    better: str | None = None
    """With `by_at_least`: the side that must be better."""
    by_at_least: float | None = None
    within: float | None = None
    side: str | None = None
    """With `above` or `below`: the side whose value is bounded."""
    above: float | None = None
    below: float | None = None

    @property
    def kind(self) -> str:
        """`ratio`, `similar` or `bound`."""
        if self.by_at_least is not None:
            return "ratio"
        if self.within is not None:
            return "similar"
        return "bound"

    def describe(self, labels: dict[str, str], probe: str | None = None) -> str:
        """The claim as a sentence, with the sides' labels: what the audience is promised."""
        metric = METRICS[self.metric]
        a, b = name(labels, "a"), name(labels, "b")
        if self.kind == "ratio":
            assert self.better is not None
            better, worse = (a, b) if self.better == "a" else (b, a)
            times = f"at least {number(self.by_at_least)}x {metric.ratio_words}"
            if metric.probe:
                return f"{probe}'s {metric.words} is {times} during {better} than during {worse}"
            return f"{better} has {times} {metric.words} than {worse}"
        if self.kind == "similar":
            within = f"within {number(self.within)}x of each other"
            if metric.probe:
                return f"{probe}'s {metric.words} during {a} and during {b} are {within}"
            return f"{a} and {b} have {metric.words} {within}"
        assert self.side is not None
        side = name(labels, self.side)
        value = self.above if self.above is not None else self.below
        if self.metric == "errors":
            more = "more" if self.above is not None else "fewer"
            return f"{side} has {more} than {number(value)} errors (requests without a 2xx answer)"
        bound = f"{'above' if self.above is not None else 'below'} {quantity(value, metric.unit)}"
        if metric.probe:
            return f"{probe}'s {metric.words} during {side} is {bound}"
        return f"The {metric.words} of {side} is {bound}"


def name(labels: dict[str, str], side: str) -> str:
    """A side as a sentence names it: its label in quotes, so any label reads as a name
    (with its letter when both sides have the same label)."""
    quoted = f"\u201c{labels[side]}\u201d"
    return f"{quoted} ({side.upper()})" if labels["a"] == labels["b"] else quoted


def number(value: float | None) -> str:
    """1.5 or 20, not 20.0."""
    return f"{value:g}"


def quantity(value: float | None, unit: str) -> str:
    """A bound with its unit, milliseconds read as people say them (1 s, 250 ms)."""
    assert value is not None
    if unit == "ms":
        return f"{value / 1000:g} s" if value >= 1000 else f"{value:g} ms"
    return f"{value:g} {unit}"
