"""Statistics on known inputs: percentiles, the summary's shape, merging, bars, ratios."""

from __future__ import annotations

from typing import Any

import pytest

from vibecode.bench import stats
from vibecode.bench.compare import ratio, ratios
from vibecode.bench.config import LoadConfig
from vibecode.bench.result import LagSummary, LoadResult


def result_with(latencies_us: list[int], **changes: Any) -> LoadResult:
    histogram = stats.new_histogram()
    stats.record_all(histogram, latencies_us)
    fields: dict[str, Any] = {
        "config": LoadConfig(url="http://127.0.0.1:1/x", concurrency=4, duration=1.0),
        "histogram": histogram,
        "duration_s": 2.0,
        "sent": len(latencies_us),
        "answered_in_window": len(latencies_us),
        "status": {200: len(latencies_us)},
    }
    fields.update(changes)
    return LoadResult(**fields)


def test_percentiles_of_a_known_distribution() -> None:
    # 1..1000 ms, one each: p50 is 500 ms, p90 900, p99 990, p99.9 999, max 1000.
    summary = stats.summarize(result_with([ms * 1000 for ms in range(1, 1001)]))
    latency = summary["latency_ms"]
    for key, expected in [("p50", 500), ("p90", 900), ("p99", 990), ("p99_9", 999)]:
        assert latency[key] == pytest.approx(expected, rel=0.002), key
    assert latency["max"] == pytest.approx(1000, rel=0.002)
    assert latency["mean"] == pytest.approx(500.5, rel=0.002)


def test_summary_has_the_documented_shape() -> None:
    result = result_with(
        [2000] * 8,
        sent=11,
        status={200: 6, 503: 2},
        errors={"timeout": 1, "reset": 1},
        unfinished=1,
        in_flight=3,
        loop_lag=LagSummary(samples=4, p50_ms=1.0, p99_ms=30.0, max_ms=31.0),
    )
    summary = stats.summarize(result)
    assert summary["requests"] == 8
    assert summary["duration_s"] == 2.0
    assert summary["rps"] == 4.0
    assert set(summary["latency_ms"]) == {"p50", "p90", "p99", "p99_9", "max", "mean"}
    assert summary["status"] == {"200": 6, "503": 2}
    assert summary["errors"] == {"reset": 1, "timeout": 1}
    assert summary["in_flight"] == 3
    assert summary["unfinished"] == 1
    assert summary["sent"] == summary["requests"] + summary["failed"] + summary["unfinished"]
    assert summary["loop_lag_ms"] == {"samples": 4, "p50": 1.0, "p99": 30.0, "max": 31.0}


def test_an_empty_run_summarizes_to_zeros() -> None:
    summary = stats.summarize(result_with([], duration_s=0.0))
    assert summary["requests"] == 0
    assert summary["rps"] == 0.0
    assert summary["latency_ms"]["p99"] == 0.0


def test_encoded_histograms_merge_into_the_same_counts() -> None:
    first, second = stats.new_histogram(), stats.new_histogram()
    stats.record_all(first, [1000] * 90)
    stats.record_all(second, [100_000] * 10)
    merged = stats.new_histogram()
    stats.merge(merged, stats.encode(first))
    stats.merge(merged, stats.encode(second))
    assert merged.get_total_count() == 100
    assert stats.percentiles_ms(merged)["p50"] == pytest.approx(1.0, rel=0.002)
    assert stats.percentiles_ms(merged)["p99"] == pytest.approx(100.0, rel=0.002)


def test_histogram_bars_cover_every_recorded_value() -> None:
    histogram = stats.new_histogram()
    stats.record_all(histogram, [1000] * 90 + [100_000] * 10)
    bars = stats.histogram_bars(histogram, rows=5)
    assert len(bars) == 5
    assert sum(count for _, _, count in bars) == 100
    assert bars[0][2] == 90 and bars[-1][2] == 10
    assert bars[0][0] == pytest.approx(1.0, rel=0.01)
    assert bars[-1][1] == pytest.approx(100.0, rel=0.01)


def test_ratio_names_the_better_side() -> None:
    assert ratio(960.0, 19.0, higher_is_better=True) == {"ratio": 50.5, "better": "a"}
    assert ratio(52.0, 2600.0, higher_is_better=False) == {"ratio": 50.0, "better": "a"}
    assert ratio(10.0, 20.0, higher_is_better=True) == {"ratio": 2.0, "better": "b"}
    assert ratio(0.0, 20.0, higher_is_better=True) is None


def test_ratios_between_two_summaries() -> None:
    fast = stats.summarize(result_with([50_000] * 100, duration_s=0.1))
    slow = stats.summarize(result_with([2_500_000] * 2, duration_s=0.1))
    found = ratios(fast, slow)
    assert found["rps"] == {"ratio": 50.0, "better": "a"}
    assert found["p50"] == {"ratio": 50.0, "better": "a"}
