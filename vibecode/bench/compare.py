"""Side by side: A then B under identical load, with the ratios computed for the audience."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from vibecode.bench.config import LoadConfig
from vibecode.bench.loadgen import ProgressCallback, StopSignal
from vibecode.bench.measure import Measurement, measure

HIGHER_IS_BETTER = {"rps": True, "p50": False, "p99": False, "max": False, "probe_p50": False}


@dataclass(frozen=True)
class Comparison:
    """Two measurements of the same load against two targets."""

    title: str
    a: Measurement
    b: Measurement
    note: str = ""

    @property
    def stopped_early(self) -> bool:
        """Whether Ctrl-C (or a stop signal) cut either side short."""
        return self.a.result.stopped_early or self.b.result.stopped_early

    @property
    def problem(self) -> str | None:
        """Why the comparison shows nothing useful (a side failed or never answered), or None."""
        for side in (self.a, self.b):
            result = side.result
            if result.failed:
                kinds = ", ".join(f"{kind} x {n}" for kind, n in sorted(result.errors.items()))
                return f"{side.label}: {result.failed} requests failed ({kinds})"
            bad = {code: n for code, n in result.status.items() if code >= 400}
            if bad:
                codes = ", ".join(f"{code} x {n}" for code, n in sorted(bad.items()))
                return f"{side.label}: error responses ({codes})"
            if not result.completed and not result.stopped_early:
                return f"{side.label}: no request was answered in {result.duration_s:.1f} s"
        return None

    @property
    def ok(self) -> bool:
        """Both sides answered, without failures or error statuses (what a rehearsal checks)."""
        return self.problem is None

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
    """Ratios of throughput, latencies and the probe's p50 between two summaries."""
    figures = {
        "rps": (a["rps"], b["rps"]),
        "p50": (a["latency_ms"]["p50"], b["latency_ms"]["p50"]),
        "p99": (a["latency_ms"]["p99"], b["latency_ms"]["p99"]),
        "max": (a["latency_ms"]["max"], b["latency_ms"]["max"]),
    }
    if "probe" in a and "probe" in b:
        figures["probe_p50"] = (a["probe"]["p50"], b["probe"]["p50"])
    return {
        key: ratio(x, y, higher_is_better=HIGHER_IS_BETTER[key]) for key, (x, y) in figures.items()
    }


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
