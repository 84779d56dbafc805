"""The result panel, the side-by-side table and `--save` as SVG or HTML for slides."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from vibecode.bench.humanize import ms, times
from vibecode.bench.probe import MIN_SAMPLES, shown
from vibecode.bench.selfwatch import SATURATED
from vibecode.bench.stats import histogram_bars, shared_bars
from vibecode.course.claims import METRICS
from vibecode.course.claims import name as side_name
from vibecode.errors import VibecodeError

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table

    from vibecode.bench.compare import Comparison
    from vibecode.bench.measure import Measurement
    from vibecode.bench.verdict import Verdict

BAR_WIDTH = 36
COMPARE_BAR_WIDTH = 16
SAVE_WIDTH = 110
SAVE_SUFFIXES = (".svg", ".html")
SAME = 1.1
"""Ratios below this read "about the same": the machine's noise, not a difference."""
TIMES = "\u00d7"
DASH = "\u2013"


def render_measurement(measurement: Measurement) -> RenderableType:
    """One run's panel: figures, percentiles, a latency histogram, statuses, errors, loop lag."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    data = measurement.summary()
    result = measurement.result
    config = result.config
    mode = (
        f"open loop at {config.rate:g} req/s, up to {config.concurrency} connections"
        if config.rate is not None
        else f"closed loop, {config.concurrency} concurrent"
    )
    title = f"[bold]{config.method} {config.url}[/]"
    parts: list[RenderableType] = [
        Text.from_markup(f"[dim]{mode}[/]"),
        _figures(data),
        _latency_row(data["latency_ms"]),
        Text(""),
        _bars(result.histogram),
        Text(""),
        _details(data, measurement),
    ]
    parts += _warnings(data)
    label = f" {measurement.label} " if measurement.label != config.url else ""
    return Panel(
        Group(*parts), title=title, subtitle=label or None, border_style="cyan", expand=False
    )


def _figures(data: dict[str, Any]) -> Table:
    from rich.table import Table

    grid = Table.grid(padding=(0, 3))
    grid.add_row(
        f"[bold]{data['rps']:,.1f}[/] req/s",
        f"{data['answered_in_window']:,} answers within {data['duration_s']:.2f} s",
        f"{data['failed']:,} failed",
    )
    return grid


def _latency_row(latency: dict[str, float]) -> Table:
    from rich.table import Table

    table = Table(box=None, padding=(0, 2), show_edge=False, header_style="dim")
    keys = [("p50", "p50"), ("p90", "p90"), ("p99", "p99"), ("p99_9", "p99.9")]
    keys += [("max", "max"), ("mean", "mean")]
    for _, name in keys:
        table.add_column(name, justify="right")
    table.add_row(*(f"[bold]{ms(latency[key])}[/]" for key, _ in keys))
    return table


def _bars(histogram: Any, *, width: int = BAR_WIDTH) -> RenderableType:
    from rich.table import Table
    from rich.text import Text

    buckets = histogram_bars(histogram)
    if not buckets:
        return Text("no responses to draw", style="dim")
    peak = max(count for _, _, count in buckets) or 1
    table = Table(box=None, padding=(0, 1), show_header=False, show_edge=False)
    table.add_column(justify="right", style="dim")
    table.add_column()
    table.add_column(justify="right")
    for low, high, count in buckets:
        bar = Text(_bar(count / peak, width), style="cyan")
        table.add_row(f"{ms(low)} {DASH} {ms(high)}", bar, f"{count:,}")
    return table


def _details(data: dict[str, Any], measurement: Measurement) -> Table:
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim")
    grid.add_column()
    codes = ", ".join(
        f"[{'green' if code.startswith(('2', '3')) else 'red'}]{code}[/] {TIMES} {count:,}"
        for code, count in data["status"].items()
    )
    grid.add_row("status", codes or "[dim]none[/]")
    samples = data.get("error_samples", {})
    errors = "; ".join(
        f"[red]{kind}[/] {TIMES} {count:,}"
        + (f" [dim]({samples[kind]})[/]" if kind in samples else "")
        for kind, count in data["errors"].items()
    )
    grid.add_row("errors", errors or "[green]none[/]")
    accounted = f"{data['sent']:,} sent = {data['requests']:,} answered + {data['failed']:,} failed"
    if data["unfinished"]:
        accounted += f" + [yellow]{data['unfinished']:,} unfinished[/]"
    if data["carried_from_warmup"]:
        accounted += f" [dim]({data['carried_from_warmup']:,} of them sent during the warm-up)[/]"
    if data["warmup_requests"]:
        accounted += f"[dim]; {data['warmup_requests']:,} warm-up requests not counted[/]"
    grid.add_row("accounted", accounted)
    if data["in_flight"]:
        oldest = data.get("in_flight_oldest_ms")
        grid.add_row(
            "at the deadline",
            f"{data['in_flight']:,} were still waiting"
            + (f" (the oldest for {ms(oldest)})" if oldest else "")
            + "; their answers are in the latencies",
        )
    grid.add_row("server loop lag", _lag_text(data))
    if "probe" in data:
        grid.add_row(f"probe {data['probe']['path']}", _probe_text(data["probe"]))
    if data.get("client_cpu") is not None:
        grid.add_row(
            "client load",
            f"{data['client_cpu']:.0%} of a core [dim](CPU used + waiting for a CPU)[/]",
        )
    return grid


def _lag_text(data: dict[str, Any]) -> str:
    lag = data.get("loop_lag_ms")
    if not lag:
        return f"[dim]{data.get('loop_lag_note', 'n/a')}[/]"
    worst = lag["max"]
    style = "red" if worst >= 100 else "yellow" if worst >= 20 else "green"
    return (
        f"p50 {ms(lag['p50'])} · p99 {ms(lag['p99'])} · max [{style}]{ms(worst)}[/]"
        f" [dim](worst per 250 ms, {lag['samples']} samples)[/]"
    )


def _probe_text(probe: dict[str, Any]) -> str:
    if not probe["samples"] and not probe["errors"]:
        return "[dim]no samples[/]"
    text = f"p50 {shown(probe, 'p50')} · p99 {shown(probe, 'p99')} · max {shown(probe, 'max')}"
    text += f" [dim]({probe['samples']} samples)[/]"
    if probe["errors"]:
        text += " [red]" + ", ".join(f"{k} {TIMES} {v}" for k, v in probe["errors"].items()) + "[/]"
    return text


def _warnings(data: dict[str, Any]) -> list[RenderableType]:
    from rich.text import Text

    notes: list[RenderableType] = []
    if data.get("client_bound"):
        notes.append(
            Text.from_markup(
                f"[bold yellow]⚠ the load generator used {data['client_cpu']:.0%} of a core"
                f" (≥ {SATURATED:.0%}): these figures are bounded by the client, not the server."
                " Try --processes 2.[/]"
            )
        )
    if data.get("stopped_early"):
        notes.append(Text.from_markup("[yellow]stopped early: these are the results so far[/]"))
    return notes


def render_comparison(comparison: Comparison, verdict: Verdict | None = None) -> RenderableType:
    """Both sides next to each other with ratios in words, the summary sentence, the verdict on
    the scenario's claims, and both latency histograms on one axis."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    data = comparison.summary()
    parts: list[RenderableType] = [_comparison_table(data)]
    parts.append(Text(headline_text(data), style="bold"))
    if comparison.note:
        parts.append(Text(comparison.note, style="italic dim"))
    if verdict is not None:
        parts += _verdict_lines(verdict)
    parts.append(Text(""))
    parts.append(_shared_bars(comparison))
    for side in (data["a"], data["b"]):
        for note in _warnings(side):
            parts.append(Text.assemble(f"{side['label']}: ", note))  # type: ignore[arg-type]
    return Panel(
        Group(*parts), title=Text(comparison.title, style="bold"), border_style="cyan", expand=False
    )


def _comparison_table(data: dict[str, Any]) -> Table:
    from rich.table import Table
    from rich.text import Text

    a, b, found = data["a"], data["b"], data["ratios"]
    table = Table(header_style="bold", border_style="dim", expand=False)
    table.add_column("")
    table.add_column(Text.assemble(("A", "bold cyan"), "  ", a["label"]), justify="right")
    table.add_column(Text.assemble(("B", "bold cyan"), "  ", b["label"]), justify="right")
    table.add_column("which is better", justify="left")
    rows: list[tuple[str, str, str, str | None]] = [
        ("req/s", f"{a['rps']:,.1f}", f"{b['rps']:,.1f}", "rps"),
        ("p50", ms(a["latency_ms"]["p50"]), ms(b["latency_ms"]["p50"]), "p50"),
        ("p90", ms(a["latency_ms"]["p90"]), ms(b["latency_ms"]["p90"]), None),
        ("p99", ms(a["latency_ms"]["p99"]), ms(b["latency_ms"]["p99"]), "p99"),
        ("max", ms(a["latency_ms"]["max"]), ms(b["latency_ms"]["max"]), "max"),
        ("answered", f"{a['requests']:,}", f"{b['requests']:,}", None),
        ("failed", f"{a['failed']:,}", f"{b['failed']:,}", None),
        ("waiting at deadline", f"{a['in_flight']:,}", f"{b['in_flight']:,}", None),
        ("server loop lag max", _lag_cell(a), _lag_cell(b), None),
    ]
    if "probe" in a and "probe" in b:
        path = a["probe"]["path"]
        rows += [
            (f"{path} p50", _probe_cell(a, "p50"), _probe_cell(b, "p50"), "probe_p50"),
            (f"{path} p99", _probe_cell(a, "p99"), _probe_cell(b, "p99"), "probe_p99"),
            (f"{path} samples", _samples_cell(a), _samples_cell(b), None),
        ]
    for name, left, right, key in rows:
        found_ratio = found.get(key) if key else None
        if key is None or found_ratio is None:
            words = "[dim]too few samples[/]" if key and key.startswith("probe_") else ""
            table.add_row(name, left, right, words)
            continue
        if found_ratio["ratio"] < SAME:
            table.add_row(name, left, right, "[dim]about the same[/]")
            continue
        good, bad = "bold green", "red"
        a_better = found_ratio["better"] == "a"
        table.add_row(
            name,
            f"[{good if a_better else bad}]{left}[/]",
            f"[{bad if a_better else good}]{right}[/]",
            f"[bold]{'A' if a_better else 'B'}[/], {times(found_ratio['ratio'])}"
            f" {METRICS[key].ratio_words}",
        )
    return table


def _probe_cell(side: dict[str, Any], key: str) -> str:
    probe = side["probe"]
    return shown(probe, key) if probe["samples"] else "[dim]no samples[/]"


def _samples_cell(side: dict[str, Any]) -> str:
    probe = side["probe"]
    text = f"{probe['samples']:,}"
    if not probe["enough"]:
        text = f"[yellow]{text} (too few)[/]"
    timed_out = probe["errors"].get("timeout", 0)
    failed = sum(probe["errors"].values()) - timed_out
    if timed_out:
        text += f" [yellow]({timed_out:,} timed out)[/]"
    return text + (f" [red]{failed:,} failed[/]" if failed else "")


def _verdict_lines(verdict: Verdict) -> list[RenderableType]:
    from rich.text import Text

    lines: list[RenderableType] = []
    for problem in verdict.problems:
        lines.append(Text.assemble(("\u2718 problem: ", "bold red"), problem))
    for outcome in verdict.claims:
        mark, style = {
            True: ("\u2714 ", "bold green"),
            False: ("\u2718 ", "bold red"),
            None: ("? ", "bold yellow"),
        }[outcome.held]
        lines.append(Text.assemble((mark, style), (outcome.line(), style.replace("bold ", ""))))
    return lines


def _shared_bars(comparison: Comparison) -> RenderableType:
    """Both sides' latency histograms on one axis: the same rows of latency for A and B, each
    bar the share of that side's answers, so a side that answers slower sits lower."""
    from rich.table import Table
    from rich.text import Text

    histograms = [comparison.a.result.histogram, comparison.b.result.histogram]
    buckets = shared_bars(histograms)
    if not buckets:
        return Text("no responses to draw", style="dim")
    totals = [max(1, h.get_total_count()) for h in histograms]
    peak = max(
        count / total
        for _, _, counts in buckets
        for count, total in zip(counts, totals, strict=True)
    )
    table = Table(box=None, padding=(0, 1), show_edge=False, header_style="dim")
    table.add_column("latency", justify="right", style="dim")
    for letter in ("A", "B"):
        table.add_column(f"{letter}: share of answers", no_wrap=True)
        table.add_column("", justify="right")
    for low, high, counts in buckets:
        cells: list[RenderableType] = [f"{ms(low)} {DASH} {ms(high)}"]
        for count, total in zip(counts, totals, strict=True):
            cells += [
                Text(_bar(count / total / peak, COMPARE_BAR_WIDTH), style="cyan"),
                f"{count:,}" if count else "",
            ]
        table.add_row(*cells)
    return table


def _bar(fraction: float, width: int) -> str:
    length = fraction * width
    bar = "\u2588" * int(length) + ("\u258c" if length - int(length) >= 0.5 else "")
    return bar or ("\u258f" if fraction > 0 else "")


def headline_text(data: dict[str, Any]) -> str:
    """The sentences the audience reads, naming the sides by their labels in quotes."""
    found = data["ratios"]
    a, b = data["a"], data["b"]
    labels = {"a": a["label"], "b": b["label"]}
    other = {"a": "b", "b": "a"}
    sentences = []
    rps, p50 = found.get("rps"), found.get("p50")
    if rps and rps["ratio"] >= SAME:
        better = rps["better"]
        sentence = (
            f"{side_name(labels, better)} answered {times(rps['ratio'])} more requests per second"
            f" than {side_name(labels, other[better])}"
        )
        if p50 and p50["better"] == better and p50["ratio"] >= SAME:
            sentence += f", its median latency {times(p50['ratio'])} lower"
            p50 = None
        sentences.append(sentence)
    elif rps:
        sentences.append(
            f"{side_name(labels, 'a')} and {side_name(labels, 'b')} answered about as many"
            f" requests per second ({a['rps']:,.1f} and {b['rps']:,.1f})"
        )
    if p50 and p50["ratio"] >= SAME:
        sentences.append(
            f"the median latency was {times(p50['ratio'])} lower with"
            f" {side_name(labels, p50['better'])}"
        )
    if "probe" in a and "probe" in b:
        sentences.append(_probe_sentence(a["probe"], b["probe"], found.get("probe_p50"), labels))
    if not sentences:
        return "No meaningful difference between the two."
    return ". ".join(s[0].upper() + s[1:] for s in sentences) + "."


def _probe_sentence(
    a: dict[str, Any], b: dict[str, Any], found: dict[str, Any] | None, labels: dict[str, str]
) -> str:
    path = a["path"]
    if not (a["enough"] and b["enough"]):
        return (
            f"not enough {path} samples to compare ({a['samples']} during {side_name(labels, 'a')},"
            f" {b['samples']} during {side_name(labels, 'b')}; {MIN_SAMPLES} needed)"
        )
    if found is None or found["ratio"] < SAME:
        return (
            f"{path} answered about as fast during both"
            f" (median {shown(a, 'p50')}, {shown(b, 'p50')})"
        )
    better = found["better"]
    fast, slow = (a, b) if better == "a" else (b, a)
    return (
        f"{path} answered {times(found['ratio'])} faster during {side_name(labels, better)}"
        f" (median {shown(fast, 'p50')} against {shown(slow, 'p50')})"
    )


def _lag_cell(side: dict[str, Any]) -> str:
    lag = side.get("loop_lag_ms")
    return ms(lag["max"]) if lag else "[dim]n/a[/]"


def check_save_path(path: Path) -> None:
    """Refuse a `--save` file that is neither .svg nor .html, before any load is generated."""
    if path.suffix.lower() not in SAVE_SUFFIXES:
        raise VibecodeError(f"--save {path}: use a .svg or .html file name")
    if not path.parent.exists():
        raise VibecodeError(f"--save {path}: the folder {path.parent} does not exist")


def save(renderable: RenderableType, path: Path, *, title: str = "vibecode bench") -> None:
    """Write `renderable` as an SVG image or an HTML page, for slides."""
    import io

    from rich.console import Console

    check_save_path(path)
    console = Console(record=True, width=SAVE_WIDTH, file=io.StringIO(), force_terminal=True)
    console.print(renderable)
    if path.suffix.lower() == ".svg":
        console.save_svg(str(path), title=title)
    else:
        console.save_html(str(path))
