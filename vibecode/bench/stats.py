"""Latency statistics on an HDR histogram (microseconds) and the `--json` summary."""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from vibecode.bench.result import LoadResult

LOWEST_US = 1
HIGHEST_US = 3_600_000_000
"""One hour: nothing a benchmark waits for is slower, and HDR needs a ceiling."""
SIGNIFICANT_DIGITS = 3
PERCENTILES = {"p50": 50.0, "p90": 90.0, "p99": 99.0, "p99_9": 99.9}


def new_histogram() -> Any:
    """An empty HDR histogram for latencies in microseconds, 3 significant digits."""
    from hdrh.histogram import HdrHistogram

    return HdrHistogram(LOWEST_US, HIGHEST_US, SIGNIFICANT_DIGITS)


def record_all(histogram: Any, latencies_us: Iterable[int]) -> None:
    """Add many latencies at once; counting duplicates first keeps this cheap."""
    for value, count in Counter(latencies_us).items():
        histogram.record_value(min(max(value, LOWEST_US), HIGHEST_US), count)


def encode(histogram: Any) -> str:
    """A histogram as text, to send between processes."""
    raw = histogram.encode()
    return raw.decode("ascii") if isinstance(raw, bytes) else str(raw)


def merge(histogram: Any, encoded: str) -> None:
    """Add an encoded histogram (from `encode`) into `histogram`."""
    if encoded:
        histogram.decode_and_add(encoded)


def percentiles_ms(histogram: Any) -> dict[str, float]:
    """p50, p90, p99, p99.9, max and mean in milliseconds (zeros when nothing was recorded)."""
    if histogram.get_total_count() == 0:
        return {key: 0.0 for key in (*PERCENTILES, "max", "mean")}
    figures = {
        key: histogram.get_value_at_percentile(value) / 1000 for key, value in PERCENTILES.items()
    }
    figures["max"] = histogram.get_max_value() / 1000
    figures["mean"] = histogram.get_mean_value() / 1000
    return {key: round(value, 3) for key, value in figures.items()}


def summarize(result: LoadResult) -> dict[str, Any]:
    """The figures of a run as plain JSON data (the `--json` shape)."""
    summary: dict[str, Any] = {
        "url": result.config.url,
        "method": result.config.method,
        "mode": "open" if result.config.rate is not None else "closed",
        "concurrency": result.config.concurrency,
        "rate": result.config.rate,
        "client": result.config.client,
        "requests": result.completed,
        "sent": result.sent,
        "carried_from_warmup": result.carried,
        "failed": result.failed,
        "unfinished": result.unfinished,
        "answered_in_window": result.answered_in_window,
        "in_flight": result.in_flight,
        "in_flight_oldest_ms": (
            round(result.oldest_in_flight_ms, 3) if result.oldest_in_flight_ms is not None else None
        ),
        "duration_s": round(result.duration_s, 3),
        "rps": (
            round(result.answered_in_window / result.duration_s, 1)
            if result.duration_s > 0
            else 0.0
        ),
        "latency_ms": percentiles_ms(result.histogram),
        "status": {str(code): count for code, count in sorted(result.status.items())},
        "errors": dict(sorted(result.errors.items())),
        "warmup_requests": result.warmup_requests,
        "stopped_early": result.stopped_early,
        "client_cpu": round(result.cpu_fraction, 3) if result.cpu_fraction is not None else None,
        "client_bound": result.client_bound,
        "loop_lag_ms": None,
    }
    if result.error_samples:
        summary["error_samples"] = dict(sorted(result.error_samples.items()))
    if result.loop_lag is not None:
        lag = result.loop_lag
        summary["loop_lag_ms"] = {
            "samples": lag.samples,
            "p50": round(lag.p50_ms, 3),
            "p99": round(lag.p99_ms, 3),
            "max": round(lag.max_ms, 3),
        }
    return summary


def histogram_bars(histogram: Any, *, rows: int = 10) -> list[tuple[float, float, int]]:
    """Latency buckets for a terminal histogram: (low ms, high ms, count), log-spaced."""
    return [(low, high, counts[0]) for low, high, counts in shared_bars([histogram], rows=rows)]


def shared_bars(
    histograms: Sequence[Any], *, rows: int = 10
) -> list[tuple[float, float, list[int]]]:
    """Log-spaced latency buckets on one axis for several histograms, so they read side by side:
    (low ms, high ms, the count of each histogram in that bucket)."""
    filled = [h for h in histograms if h.get_total_count()]
    if not filled:
        return []
    low = max(min(h.get_min_value() for h in filled), LOWEST_US)
    high = max(max(h.get_max_value() for h in filled), low + 1)
    ratio = (high / low) ** (1 / rows)
    edges = [low * ratio**i for i in range(rows + 1)]
    edges[-1] = high
    counts = [[0] * rows for _ in histograms]
    for column, histogram in zip(counts, histograms, strict=True):
        if not histogram.get_total_count():
            continue
        for item in histogram.get_recorded_iterator():
            value = item.value_iterated_to
            index = bisect.bisect_left(edges, value, 1, rows) - 1
            column[index] += item.count_at_value_iterated_to
    return [
        (edges[i] / 1000, edges[i + 1] / 1000, [column[i] for column in counts])
        for i in range(rows)
    ]
