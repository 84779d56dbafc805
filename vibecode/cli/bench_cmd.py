"""Commands: bench."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from vibecode.cli.options import WorkspaceOption

if TYPE_CHECKING:
    from vibecode.bench.compare import Comparison
    from vibecode.bench.config import LoadConfig
    from vibecode.bench.progress import LiveProgress

T = TypeVar("T")
DEFAULT_CONCURRENCY = 50
DEFAULT_WARMUP = 0.5


def register(app: typer.Typer) -> None:
    """Add this module's commands to the application."""
    app.command("bench")(bench)


def bench(
    target: Annotated[
        str | None,
        typer.Argument(
            help="A URL, a path on the workspace's server (/health), or a scenario's name.",
            show_default=False,
        ),
    ] = None,
    *,
    concurrency: Annotated[
        int | None,
        typer.Option(
            "-c",
            "--concurrency",
            help=f"Requests in flight (closed loop) or connections (--rate) (default "
            f"{DEFAULT_CONCURRENCY}, or the scenario's).",
            show_default=False,
        ),
    ] = None,
    requests: Annotated[
        int | None, typer.Option("-n", "--requests", help="Stop after this many requests.")
    ] = None,
    duration: Annotated[
        float | None,
        typer.Option("-d", "--duration", help="Seconds of measured load (default 5)."),
    ] = None,
    rate: Annotated[
        float | None,
        typer.Option(
            "--rate", help="Open loop: send R requests per second, latency counted from when due."
        ),
    ] = None,
    method: Annotated[
        str | None,
        typer.Option("--method", "-X", help="HTTP method (default GET, or POST with a body)."),
    ] = None,
    header: Annotated[
        list[str] | None, typer.Option("-H", "--header", help='"Name: value"; repeatable.')
    ] = None,
    json_body: Annotated[
        str | None,
        typer.Option(
            "--json-body", help="A JSON body; ${seq} is replaced by a per-request counter."
        ),
    ] = None,
    warmup: Annotated[
        float | None,
        typer.Option(
            "--warmup",
            help=f"Seconds of load before measuring, not counted (default {DEFAULT_WARMUP}"
            " with a duration, 0 with --requests).",
            show_default=False,
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds before a request times out.")
    ] = 10.0,
    processes: Annotated[
        int, typer.Option("--processes", help="Spread the load over this many processes.")
    ] = 1,
    client: Annotated[
        str,
        typer.Option(
            "--client",
            help="HTTP client: fast (keep-alive HTTP/1.1, C parser; about 35 us of CPU per"
            " request) or aiohttp (about 110 us).",
        ),
    ] = "fast",
    compare: Annotated[
        tuple[str, str] | None,
        typer.Option(
            "--compare",
            help="Run the same load against URL_A, then URL_B, and show them side by side.",
            metavar="URL_A URL_B",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the figures as one JSON object on stdout.")
    ] = False,
    save: Annotated[
        Path | None, typer.Option("--save", help="Also write the result panel as .svg or .html.")
    ] = None,
    workspace: WorkspaceOption = None,
    url: Annotated[
        str | None,
        typer.Option(
            "--url", help="Base URL for paths and scenarios (default: the workspace's server)."
        ),
    ] = None,
    live: Annotated[
        bool,
        typer.Option(
            "--live",
            help="Draw the run as it goes (req/s over time, latency histograms, statuses), "
            "then print the report.",
        ),
    ] = False,
) -> None:
    """Benchmark a URL or a step's scenario: timed, concurrent, every request accounted for.

    A scenario's claims are checked against what was measured; exit code 1 when one did not
    hold or a side failed.
    """
    run_bench(
        target=target,
        concurrency=concurrency,
        requests=requests,
        duration=duration,
        rate=rate,
        method=method,
        headers=header or [],
        json_body=json_body,
        warmup=warmup,
        timeout=timeout,
        processes=processes,
        client=client,
        compare=compare,
        as_json=as_json,
        save=save,
        workspace=workspace,
        base_url=url,
        live=live,
    )


def run_bench(
    *,
    target: str | None,
    concurrency: int | None,
    requests: int | None,
    duration: float | None,
    rate: float | None,
    method: str | None,
    headers: list[str],
    json_body: str | None,
    warmup: float | None,
    timeout: float,
    processes: int,
    client: str,
    compare: tuple[str, str] | None,
    as_json: bool,
    save: Path | None,
    workspace: Path | None,
    base_url: str | None,
    live: bool = False,
) -> None:
    """Parse what the options mean, run the load, print the report (or the JSON)."""
    from vibecode.bench import report
    from vibecode.bench.config import LoadConfig
    from vibecode.errors import VibecodeError
    from vibecode.paths import resolve_workspace

    if save is not None:
        report.check_save_path(save)
    ws = resolve_workspace(workspace)
    body = _parse_json(json_body)

    def load(url: str) -> LoadConfig:
        return LoadConfig(
            url=url,
            method=method or ("POST" if body is not None else "GET"),
            headers=_parse_headers(headers),
            json=body,
            concurrency=concurrency or DEFAULT_CONCURRENCY,
            requests=requests,
            duration=duration,
            rate=rate,
            warmup=warmup if warmup is not None else (0.0 if requests else DEFAULT_WARMUP),
            timeout=timeout,
            processes=processes,
            client=client,
        )

    if compare is not None:
        if target is not None:
            raise VibecodeError("give either a target or --compare URL_A URL_B, not both")
        url_a, url_b = (_resolve_url(u, ws, base_url) for u in compare)
        config = load(url_a)
        data, renderable, clean = _run_compare(config, url_a, url_b, ws=ws, live=live)
    elif target is None:
        raise VibecodeError(
            "what should I benchmark? give a URL, a path like /health, or a scenario's name"
        )
    elif _looks_like_url(target):
        config = load(_resolve_url(target, ws, base_url))
        data, renderable = _run_single(config, ws=ws, live=live)
        clean = True
    else:
        if requests is not None or rate is not None:
            raise VibecodeError("a scenario runs for a duration in a closed loop: drop -n/--rate")
        data, renderable, clean = _run_scenario(
            target,
            ws=ws,
            base_url=_base_url(ws, base_url, required=False),
            concurrency=concurrency,
            duration=duration,
            live=live,
        )
    _emit(data, renderable, as_json=as_json, save=save)
    if not clean:
        from vibecode.errors import CheckFailed

        raise CheckFailed("the benchmark did not pass: the report above says why")


def _emit(data: dict[str, Any], renderable: Any, *, as_json: bool, save: Path | None) -> None:
    import json
    import sys

    from vibecode.bench import report
    from vibecode.cli.output import err, out

    if as_json:
        sys.stdout.write(json.dumps(data) + "\n")
        sys.stdout.flush()
    else:
        out().print(renderable)
    if save is not None:
        report.save(renderable, save)
        err().print(f"[dim]saved {save}[/]")


def _progress(label: str, seconds: float | None) -> LiveProgress:
    """The live status line: on stderr (so --json keeps stdout clean), only on a terminal."""
    from vibecode.bench.progress import LiveProgress
    from vibecode.cli.output import err

    return LiveProgress(err(), label=label, seconds=seconds)


def _watched(
    run: Callable[..., T], *, live: bool, title: str, sides: list[str], seconds: float | None
) -> T:
    """`run(on_progress=, on_side=, stop=)` under the live view, or with the status line."""
    if live:
        from vibecode.dashboard.bench_app import run_live

        return run_live(
            lambda on_progress, on_side, stop: run(
                on_progress=on_progress, on_side=on_side, stop=stop
            ),
            title=title,
            sides=sides,
            seconds=seconds or 5.0,
        )
    with _progress(sides[0], seconds) as line:
        return run(on_progress=line.update, on_side=line.relabel, stop=None)


def _run_single(config: LoadConfig, *, ws: Path, live: bool = False) -> tuple[dict[str, Any], Any]:
    from vibecode.bench.measure import measure
    from vibecode.bench.report import render_measurement

    def run(*, on_progress: Any, on_side: Any, stop: Any) -> Any:
        return measure(config, workspace=ws, on_progress=on_progress, stop=stop)

    measurement = _watched(
        run,
        live=live,
        title=f"{config.method} {config.url}",
        sides=[config.method],
        seconds=config.run_seconds,
    )
    return measurement.summary(), render_measurement(measurement)


def _run_compare(
    config: LoadConfig, url_a: str, url_b: str, *, ws: Path, live: bool = False
) -> tuple[dict[str, Any], Any, bool]:
    from vibecode.bench.compare import compare

    title = f"A {url_a}  vs  B {url_b}"

    def run(*, on_progress: Any, on_side: Any, stop: Any) -> Any:
        return compare(
            config,
            url_a,
            url_b,
            labels=("A", "B"),
            title=title,
            workspace=ws,
            on_progress=on_progress,
            on_side=on_side,
            stop=stop,
        )

    comparison = _watched(run, live=live, title=title, sides=["A", "B"], seconds=config.run_seconds)
    return _judged(comparison)


def _run_scenario(
    name: str,
    *,
    ws: Path,
    base_url: str | None,
    concurrency: int | None,
    duration: float | None,
    live: bool = False,
) -> tuple[dict[str, Any], Any, bool]:
    from vibecode.bench.scenarios import run_scenario
    from vibecode.course.loader import load

    course = load()
    _, scenario = course.find_bench(name)

    def run(*, on_progress: Any, on_side: Any, stop: Any) -> Any:
        return run_scenario(
            course,
            name,
            ws=ws,
            base_url=base_url,
            on_progress=on_progress,
            on_side=on_side,
            stop=stop,
            concurrency=concurrency,
            duration=duration,
        )

    comparison = _watched(
        run,
        live=live,
        title=scenario.title,
        sides=[scenario.a.label, scenario.b.label],
        seconds=duration or scenario.duration,
    )
    return _judged(comparison)


def _judged(comparison: Comparison) -> tuple[dict[str, Any], Any, bool]:
    """The figures with the verdict (problems, claims), its panel, and whether it is clean."""
    from vibecode.bench.report import render_comparison
    from vibecode.bench.verdict import judge

    verdict = judge(comparison)
    data = {**comparison.summary(), "verdict": verdict.summary()}
    # A run cut short by Ctrl-C shows the figures so far with its claims not judged: the
    # presenter stopped it, nothing failed.
    clean = verdict.ok or comparison.stopped_early
    return data, render_comparison(comparison, verdict), clean


def _looks_like_url(target: str) -> bool:
    # Scenario names are slugs; anything with a slash or a colon is meant as an address.
    return "/" in target or ":" in target


def _resolve_url(target: str, ws: Path, base_url: str | None) -> str:
    """A full URL; a bare path goes to --url or the workspace's recorded server."""
    if not target.startswith("/"):
        return target
    base = _base_url(ws, base_url, required=True)
    assert base is not None
    return base.rstrip("/") + target


def _base_url(ws: Path, base_url: str | None, *, required: bool) -> str | None:
    from vibecode.errors import VibecodeError

    if base_url:
        return base_url
    from vibecode.serve.record import read_server

    record = read_server(ws)
    if record is not None:
        return record.url
    if required:
        raise VibecodeError(
            f"no server is running for the workspace {ws}",
            hint="start one with `vibecode serve`, or pass --url or a full URL",
        )
    return None


def _parse_headers(raw: list[str]) -> dict[str, str]:
    from vibecode.errors import VibecodeError

    headers: dict[str, str] = {}
    for item in raw:
        name, sep, value = item.partition(":")
        if not sep or not name.strip() or any(c.isspace() for c in name.strip()):
            raise VibecodeError(f'-H {item!r}: write a header as "Name: value"')
        headers[name.strip()] = value.strip()
    return headers


def _parse_json(raw: str | None) -> Any:
    import json

    from vibecode.errors import VibecodeError

    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise VibecodeError(f"--json-body is not valid JSON: {exc}") from None
