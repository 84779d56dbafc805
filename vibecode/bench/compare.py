"""Side by side: A then B under identical load, with the ratios computed for the audience."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from vibecode.bench.config import LoadConfig
from vibecode.bench.measure import Measurement, measure
from vibecode.bench.result import ProgressCallback, StopSignal
from vibecode.course.claims import METRICS, BenchClaim

RATIOS = ("rps", "p50", "p99", "max", "probe_p50", "probe_p99")
"""The figures whose ratio the table shows (directions from the claims' `METRICS`)."""


@dataclass(frozen=True)
class Comparison:
    """Two measurements of the same load against two targets, and what they should show."""

    title: str
    a: Measurement
    b: Measurement
    note: str = ""
    claims: tuple[BenchClaim, ...] = ()
    """The scenario's declared claims, judged by `vibecode.bench.verdict.judge`."""

    @property
    def stopped_early(self) -> bool:
        """Whether Ctrl-C (or a stop signal) cut either side short."""
        return self.a.result.stopped_early or self.b.result.stopped_early

    @property
    def probe_path(self) -> str | None:
        """The probed path (`/health`), when both sides were probed."""
        if self.a.probe is None or self.b.probe is None:
            return None
        return self.a.probe.path

    def summary(self) -> dict[str, Any]:
        """Both sides' figures and the ratios between them (the `--json` shape)."""
        a, b = self.a.summary(), self.b.summary()
        return {"title": self.title, "note": self.note, "a": a, "b": b, "ratios": ratios(a, b)}


def ratio(a: float, b: float, *, higher_is_better: bool) -> dict[str, Any] | None:
    """How many times better the better side is: {"ratio": 52.3, "better": "a" | "b"}."""
    if a <= 0 or b <= 0:
        return None
    a_better = a >= b if higher_is_better else a <= b
    big, small = max(a, b), min(a, b)
    return {"ratio": round(big / small, 1), "better": "a" if a_better else "b"}


def ratios(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Ratios of throughput, latencies and the probe's percentiles between two summaries.

    A probe ratio is None unless both sides have enough samples (`ProbeResult.enough`): a few
    fast samples must never decide which side kept /health waiting.
    """
    found: dict[str, Any] = {}
    for key in RATIOS:
        if key.startswith("probe_"):
            probe_a, probe_b = a.get("probe"), b.get("probe")
            if not (probe_a and probe_b and probe_a["enough"] and probe_b["enough"]):
                found[key] = None
                continue
            x, y = probe_a[key.removeprefix("probe_")], probe_b[key.removeprefix("probe_")]
        elif key == "rps":
            x, y = a["rps"], b["rps"]
        else:
            x, y = a["latency_ms"][key], b["latency_ms"][key]
        found[key] = ratio(x, y, higher_is_better=METRICS[key].higher_is_better)
    return found


def compare(
    config: LoadConfig,
    url_a: str,
    url_b: str,
    *,
    labels: tuple[str, str] = ("A", "B"),
    title: str = "",
    probe_path: str | None = None,
    workspace: Path | None = None,
    on_progress: ProgressCallback | None = None,
    on_side: Callable[[str], None] | None = None,
    stop: StopSignal | None = None,
) -> Comparison:
    """Run `config` against `url_a`, then against `url_b`; a stop after A skips B."""
    sides: list[Measurement] = []
    for url, label in zip((url_a, url_b), labels, strict=True):
        if sides and sides[0].result.stopped_early:
            break
        probe_url = join(url, probe_path) if probe_path else None
        if on_side is not None:
            on_side(label)
        sides.append(
            measure(
                replace(config, url=url),
                label=label,
                workspace=workspace,
                probe_url=probe_url,
                on_progress=on_progress,
                stop=stop,
            )
        )
    if len(sides) == 1:
        sides.append(skipped(sides[0], labels[1]))
    return Comparison(title=title or f"{labels[0]} vs {labels[1]}", a=sides[0], b=sides[1])


def join(url: str, path: str) -> str:
    """`path` on the server that serves `url`."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    path, _, query = path.partition("?")
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def skipped(done: Measurement, label: str) -> Measurement:
    """The side that never ran because the run was stopped during the first one."""
    from vibecode.bench.result import LoadResult
    from vibecode.bench.stats import new_histogram

    config = done.result.config
    empty = LoadResult(config=config, histogram=new_histogram(), duration_s=0.0, sent=0)
    empty.stopped_early = True
    return Measurement(label=label, result=empty, lag_note="n/a (not run)")
