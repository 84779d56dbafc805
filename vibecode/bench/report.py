"""The result panel, the side-by-side table and `--save` as SVG or HTML for slides."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from vibecode.bench.selfwatch import SATURATED
from vibecode.bench.stats import histogram_bars
from vibecode.errors import VibecodeError

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table

    from vibecode.bench.compare import Comparison
    from vibecode.bench.measure import Measurement

BAR_WIDTH = 36
COMPARE_BAR_WIDTH = 16
SAVE_WIDTH = 110
SAVE_SUFFIXES = (".svg", ".html")
TIMES = "\u00d7"
DASH = "\u2013"


def ms(value: float) -> str:
    """A latency for humans: 0.84 ms, 12.3 ms, 2.61 s."""
    if value >= 1000:
        return f"{value / 1000:.2f} s"
    if value >= 100:
        return f"{value:.0f} ms"
    if value >= 10:
        return f"{value:.1f} ms"
    return f"{value:.2f} ms"


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
        length = count / peak * width
        bar = "█" * int(length) + ("▌" if length - int(length) >= 0.5 else "")
        if count and not bar:
            bar = "▏"
        table.add_row(f"{ms(low)} {DASH} {ms(high)}", Text(bar, style="cyan"), f"{count:,}")
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
    text = f"p50 {ms(probe['p50'])} · p99 {ms(probe['p99'])} · max {ms(probe['max'])}"
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


def render_comparison(comparison: Comparison) -> RenderableType:
    """Both sides next to each other with ratios, then each side's latency histogram."""
    from rich.columns import Columns
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    data = comparison.summary()
    a, b, found = data["a"], data["b"], data["ratios"]
    table = Table(header_style="bold", border_style="dim", expand=False)
    table.add_column("")
    table.add_column(a["label"], justify="right")
    table.add_column(b["label"], justify="right")
    table.add_column("ratio", justify="right")
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
        rows.append((f"{path} p50", ms(a["probe"]["p50"]), ms(b["probe"]["p50"]), "probe_p50"))
        rows.append((f"{path} max", ms(a["probe"]["max"]), ms(b["probe"]["max"]), None))
    for name, left, right, key in rows:
        found_ratio = found.get(key) if key else None
        if found_ratio is None:
            table.add_row(name, left, right, "")
            continue
        good, bad = "bold green", "red"
        a_better = found_ratio["better"] == "a"
        table.add_row(
            name,
            f"[{good if a_better else bad}]{left}[/]",
            f"[{bad if a_better else good}]{right}[/]",
            f"[bold]{times(found_ratio['ratio'])}[/]",
        )
    parts: list[RenderableType] = [table]
    headline = headline_text(data)
    if headline:
        parts.append(Text.from_markup(headline))
    if comparison.note:
        parts.append(Text(comparison.note, style="italic dim"))
    parts.append(
        Columns(
            [
                Panel(
                    _bars(side.result.histogram, width=COMPARE_BAR_WIDTH),
                    title=side.label,
                    border_style="dim",
                    expand=False,
                )
                for side in (comparison.a, comparison.b)
            ]
        )
    )
    for side in (a, b):
        for note in _warnings(side):
            parts.append(Text.assemble(f"{side['label']}: ", note))  # type: ignore[arg-type]
    return Panel(
        Group(*parts), title=f"[bold]{comparison.title}[/]", border_style="cyan", expand=False
    )


def times(ratio: float) -> str:
    """A ratio for the audience: 1.3x, 52.3x, 1,391x."""
    return f"{ratio:,.0f}x" if ratio >= 100 else f"{ratio:.1f}x"


def headline_text(data: dict[str, Any]) -> str:
    """The sentence the audience reads: how many times more requests, how many times faster."""
    found = data["ratios"]
    labels = {"a": data["a"]["label"], "b": data["b"]["label"]}
    sentences = []
    rps = found.get("rps")
    if rps and rps["ratio"] >= 1.1:
        sentences.append(
            f"[bold]{labels[rps['better']]}[/] answered [bold]{times(rps['ratio'])}[/]"
            " more requests per second"
        )
    p50 = found.get("p50")
    if p50 and p50["ratio"] >= 1.1:
        sentences.append(
            f"its median latency was [bold]{times(p50['ratio'])}[/] lower"
            if rps and p50["better"] == rps["better"] and rps["ratio"] >= 1.1
            else f"[bold]{labels[p50['better']]}[/]'s median latency was"
            f" [bold]{times(p50['ratio'])}[/] lower"
        )
    probe = found.get("probe_p50")
    if probe and probe["ratio"] >= 1.1:
        sentences.append(
            f"{data['a']['probe']['path']} answered [bold]{times(probe['ratio'])}[/] faster"
            f" during [bold]{labels[probe['better']]}[/]"
        )
    if not sentences:
        return "[dim]no meaningful difference between the two[/]"
    return "; ".join(sentences) + "."


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
