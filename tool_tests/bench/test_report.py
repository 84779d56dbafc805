"""The result panel, the side-by-side table with ratios, and --save."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from vibecode.bench import report, stats
from vibecode.bench.compare import Comparison
from vibecode.bench.config import LoadConfig
from vibecode.bench.measure import Measurement
from vibecode.bench.result import LoadResult
from vibecode.errors import VibecodeError


def measurement(label: str, latency_us: int, count: int, **changes: Any) -> Measurement:
    histogram = stats.new_histogram()
    stats.record_all(histogram, [latency_us] * count)
    fields: dict[str, Any] = {
        "config": LoadConfig(url=f"http://127.0.0.1:8000/{label}", concurrency=50, duration=1.0),
        "histogram": histogram,
        "duration_s": 1.0,
        "sent": count,
        "answered_in_window": count,
        "status": {200: count},
    }
    fields.update(changes)
    return Measurement(label=label, result=LoadResult(**fields))


def render(renderable: Any) -> str:
    console = Console(file=io.StringIO(), width=110, color_system=None)
    console.print(renderable)
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(output, str)
    return output


def test_the_panel_shows_figures_bars_statuses_errors_and_lag() -> None:
    text = render(
        report.render_measurement(
            measurement(
                "await",
                50_000,
                960,
                errors={"timeout": 2},
                sent=963,
                unfinished=1,
                in_flight=5,
                oldest_in_flight_ms=51.0,
            )
        )
    )
    for expected in ("960.0 req/s", "p50", "p99.9", "50.0 ms", "200", "timeout", "█"):
        assert expected in text
    assert "963 sent = 960 answered + 2 failed + 1 unfinished" in text
    assert "5 were still waiting (the oldest for 51.0 ms)" in text
    assert "n/a (not a vibecode server)" in text


def test_a_client_bound_run_says_so() -> None:
    text = render(
        report.render_measurement(
            measurement("x", 1000, 10, cpu_fraction=0.98, client_bound=True, stopped_early=True)
        )
    )
    assert "bounded by the client" in text
    assert "--processes" in text
    assert "results so far" in text


def test_the_comparison_computes_the_ratios_for_the_audience() -> None:
    comparison = Comparison(
        title="await vs blocking",
        a=measurement("await", 52_000, 960),
        b=measurement("blocking", 2_600_000, 19),
    )
    text = render(report.render_comparison(comparison))
    assert "50.5x" in text  # req/s: 960 / 19
    assert "50.0x" in text  # p50: 2.6 s / 52 ms
    assert "await answered 50.5x more requests per second" in text
    assert comparison.summary()["ratios"]["rps"] == {"ratio": 50.5, "better": "a"}


@pytest.mark.parametrize(("suffix", "marker"), [(".svg", "<svg"), (".html", "<html")])
def test_save_writes_an_image_or_a_page(tmp_path: Path, suffix: str, marker: str) -> None:
    target = tmp_path / f"result{suffix}"
    report.save(report.render_measurement(measurement("x", 1000, 10)), target)
    content = target.read_text(encoding="utf-8")
    assert marker in content
    assert "req/s" in content


def test_save_refuses_other_formats(tmp_path: Path) -> None:
    with pytest.raises(VibecodeError, match=r"\.svg or \.html"):
        report.check_save_path(tmp_path / "result.png")


def test_a_comparison_with_failures_is_not_ok() -> None:
    good = measurement("await", 52_000, 960)
    assert Comparison(title="t", a=good, b=good).ok
    broken = measurement("b", 1000, 5, status={500: 5})
    comparison = Comparison(title="t", a=good, b=broken)
    assert not comparison.ok
    assert comparison.problem == "b: error responses (500 x 5)"
    refused = measurement("c", 1000, 0, status={}, errors={"connect": 3}, sent=3)
    assert Comparison(title="t", a=refused, b=good).problem == "c: 3 requests failed (connect x 3)"


@pytest.mark.parametrize(
    ("ratio", "shown"), [(1.04, "1.0x"), (1.35, "1.4x"), (52.34, "52.3x"), (1391.5, "1,392x")]
)
def test_ratios_read_at_a_glance(ratio: float, shown: str) -> None:
    assert report.times(ratio) == shown
