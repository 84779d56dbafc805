"""The result panel, the side-by-side table with ratios, and --save."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from vibecode.bench import report, stats
from vibecode.bench.compare import Comparison
from vibecode.bench.config import LoadConfig
from vibecode.bench.humanize import times
from vibecode.bench.measure import Measurement
from vibecode.bench.probe import ProbeResult
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


def render(renderable: Any, width: int = 110) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None)
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


def probed(side: Measurement, *latencies_ms: float) -> Measurement:
    return replace(side, probe=ProbeResult("/health", latencies_ms))


def test_the_comparison_computes_the_ratios_for_the_audience() -> None:
    comparison = Comparison(
        title="await vs blocking",
        a=measurement("await", 52_000, 960),
        b=measurement("blocking", 2_600_000, 19),
    )
    text = render(report.render_comparison(comparison))
    assert (
        "\u201cawait\u201d answered 50.5x more requests per second than \u201cblocking\u201d"
        in text
    )
    assert "its median latency 50.0x lower" in text
    assert comparison.summary()["ratios"]["rps"] == {"ratio": 50.5, "better": "a"}


def test_the_ratio_column_says_which_side_is_better_in_words() -> None:
    comparison = Comparison(
        title="t", a=measurement("slow", 2_600_000, 19), b=measurement("fast", 52_000, 960)
    )
    rows = {line.split("\u2502")[2].strip(): line for line in render_lines(comparison)}
    assert "B, 50.5x more" in rows["req/s"]
    assert "B, 50.0x lower" in rows["p50"]
    same = Comparison(title="t", a=measurement("x", 52_000, 960), b=measurement("y", 53_000, 950))
    rows = {line.split("\u2502")[2].strip(): line for line in render_lines(same)}
    assert "about the same" in rows["req/s"] and "about the same" in rows["p50"]


def render_lines(comparison: Comparison) -> list[str]:
    return [
        line
        for line in render(report.render_comparison(comparison)).splitlines()
        if "\u2502 " in line
    ]


def test_both_histograms_share_one_latency_axis() -> None:
    # 960 answers near 52 ms on one side, 19 near 2.6 s on the other: on one axis, the blocked
    # side's bar sits in the last row, the awaiting side's in the first.
    comparison = Comparison(
        title="t", a=measurement("await", 52_000, 960), b=measurement("blocking", 2_600_000, 19)
    )
    text = render(report._shared_bars(comparison))
    lines = [line for line in text.splitlines() if "\u2013" in line]
    assert len(lines) == 10  # one set of latency rows for both
    first, last = lines[0].split(), lines[-1].split()
    assert first[:2] == ["52.0", "ms"] and "960" in first and "19" not in first
    assert last[3:5] == ["2.60", "s"] and "19" in last and "960" not in last
    # Each bar is the share of its side's answers: both full, however many answers each had.
    assert lines[0].count("\u2588") == lines[-1].count("\u2588") == report.COMPARE_BAR_WIDTH


def test_a_few_probe_samples_never_make_a_verdict() -> None:
    # The run: three fast samples on the blocked side (those before and after its
    # load) against a full set on the awaiting side.
    comparison = Comparison(
        title="t",
        a=probed(measurement("await", 52_000, 960), *([40.0] * 25)),
        b=probed(measurement("blocking", 2_600_000, 19), 5.0, 6.0, 7.0),
    )
    data = comparison.summary()
    assert data["ratios"]["probe_p50"] is None
    sentence = report.headline_text(data)
    assert "faster during" not in sentence
    assert (
        "Not enough /health samples to compare (25 during \u201cawait\u201d, 3 during"
        " \u201cblocking\u201d; 10 needed)." in sentence
    )
    assert "too few" in render(report.render_comparison(comparison))


@pytest.mark.parametrize(
    ("a", "b", "sentence"),
    [
        (
            "[red]on the loop[/red]",
            "off the loop.",
            "\u201c[red]on the loop[/red]\u201d answered 50.5x more requests per second than"
            " \u201coff the loop.\u201d, its median latency 50.0x lower. /health answered"
            " 62.5x faster during \u201c[red]on the loop[/red]\u201d (median 40.0 ms against"
            " 2.50 s).",
        ),
        (
            "x",
            "x",
            "\u201cx\u201d (A) answered 50.5x more requests per second than \u201cx\u201d (B),"
            " its median latency 50.0x lower. /health answered 62.5x faster during"
            " \u201cx\u201d (A) (median 40.0 ms against 2.50 s).",
        ),
    ],
)
def test_the_summary_sentence_reads_well_for_any_labels(a: str, b: str, sentence: str) -> None:
    comparison = Comparison(
        title="t",
        a=probed(measurement(a, 52_000, 960), *([40.0] * 25)),
        b=probed(measurement(b, 2_600_000, 19), *([2500.0] * 25)),
    )
    assert report.headline_text(comparison.summary()) == sentence
    # Labels are text, never markup: they reach the screen as written (table, sentence).
    assert sentence in render(report.render_comparison(comparison), width=300)


def test_sides_that_answer_alike_read_as_about_the_same() -> None:
    comparison = Comparison(
        title="t",
        a=measurement("on the loop", 1_050_000, 7),
        b=measurement("off the loop", 1_060_000, 7),
    )
    assert report.headline_text(comparison.summary()) == (
        "\u201con the loop\u201d and \u201coff the loop\u201d answered about as many requests"
        " per second (7.0 and 7.0)."
    )
    slower = Comparison(
        title="t", a=measurement("x", 1_000_000, 7), b=measurement("y", 3_000_000, 7)
    )
    assert report.headline_text(slower.summary()) == (
        "\u201cx\u201d and \u201cy\u201d answered about as many requests per second (7.0 and"
        " 7.0). The median latency was 3.0x lower with \u201cx\u201d."
    )


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


@pytest.mark.parametrize(
    ("ratio", "shown"), [(1.04, "1.0x"), (1.35, "1.4x"), (52.34, "52.3x"), (1391.5, "1,392x")]
)
def test_ratios_read_at_a_glance(ratio: float, shown: str) -> None:
    assert times(ratio) == shown


def test_a_probe_that_timed_out_reads_as_at_least_the_timeout() -> None:
    # At load 54 on two cores, 15 of 25 /health samples waited past the 10 s timeout: the
    # table must not claim /health answered in 10.00 s.
    timed_out = replace(
        measurement("on the loop", 6_000_000, 13),
        probe=ProbeResult("/health", (9000.0,) * 10, errors={"timeout": 15}, timeout_s=10.0),
    )
    comparison = Comparison(
        title="t", a=timed_out, b=probed(measurement("off the loop", 6_800_000, 13), *[26.0] * 25)
    )
    text = render(report.render_comparison(comparison), width=200)
    assert "\u2265 10.00 s" in text
    assert "25 (15 timed out)" in text
    assert "(median 26.0 ms against \u2265 10.00 s)" in text
