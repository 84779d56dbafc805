"""Print demo requests and answers like a good HTTP client: status in colour, pretty JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from vibecode.demo.log_match import LogMatch
from vibecode.demo.runner import DemoResult

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

SHOWN_RESPONSE_HEADERS = ("content-type", "content-length", "location", "www-authenticate")
LONG_HEADER = 72


def abbreviate(value: str, limit: int = LONG_HEADER) -> str:
    """A long header value (a JWT) as its start and end, so it fits on one line of the slide."""
    if len(value) <= limit:
        return value
    return f"{value[: limit - 13]}…{value[-12:]}"


def status_style(status: int | None) -> str:
    """The colour of a status: green 2xx, cyan 3xx, yellow 4xx, red 5xx and failures."""
    if status is None:
        return "bold red"
    return {2: "bold green", 3: "bold cyan", 4: "bold yellow"}.get(status // 100, "bold red")


def render_result(
    console: Console,
    result: DemoResult,
    *,
    all_headers: bool = False,
    log: LogMatch | None = None,
) -> None:
    """Print one request (method, URL, headers, body) and its answer (status, time, body).

    The answer's headers are the usual few plus those the request declares (`show_headers`);
    `log` is the server's log lines about it (`show_log`).
    """
    from rich.markup import escape
    from rich.rule import Rule

    spec = result.spec
    console.print(Rule(f"[bold]{escape(spec.name)}[/]", align="left", style="dim"))
    console.print(
        f"[bold magenta]{result.method}[/] [cyan]{escape(result.url)}[/]", highlight=False
    )
    _headers(console, result.request_headers)
    if result.request_json is not None:
        console.print(_json(result.request_json))
    elif result.request_form is not None:
        console.print(escape(urlencode(dict(result.request_form))), highlight=False)
    if result.status is None:
        console.print(f"[bold red]✗ {escape(result.error or 'no answer')}[/]")
        return
    console.print()
    console.print(
        f"[{status_style(result.status)}]{result.status} {escape(result.reason)}[/]"
        f"  [dim]{result.ms:.1f} ms[/]",
        highlight=False,
    )
    wanted = {*SHOWN_RESPONSE_HEADERS, *(name.lower() for name in spec.show_headers)}
    shown = {
        name: value
        for name, value in result.response_headers.items()
        if all_headers or name.lower() in wanted
    }
    _headers(console, shown)
    if result.body not in (None, ""):
        console.print(_json(result.body) if not isinstance(result.body, str) else result.body)
    if result.captured:
        names = ", ".join(f"${{{name}}}" for name in result.captured)
        console.print(f"[dim]captured {escape(names)}[/]")
    if log is not None:
        _log_lines(console, log)
    if result.error is not None:
        console.print(f"[bold red]✗ {escape(result.error)}[/]")
    elif spec.note:
        console.print(f"[italic]→ {escape(spec.note)}[/]")


def _log_lines(console: Console, log: LogMatch) -> None:
    from rich.markup import escape

    if not log.lines:
        console.print(f"[yellow]no server log line holds {escape(log.request_id)} yet[/]")
        return
    console.print(f"[dim]server log, request {escape(log.request_id)}:[/]", highlight=False)
    for line in log.lines:
        console.print(f"  {escape(line)}", highlight=False, soft_wrap=True)
    if log.traceback_lines:
        console.print(
            f"  [dim]… and its traceback ({log.traceback_lines} lines, in the serve pane)[/]",
            highlight=False,
        )


def _headers(console: Console, headers: Mapping[str, str]) -> None:
    from rich.markup import escape

    for name, value in headers.items():
        console.print(f"[blue]{escape(name)}[/]: {escape(abbreviate(value))}", highlight=False)


def _json(value: Any) -> RenderableType:
    from rich.json import JSON

    return JSON(json.dumps(value, ensure_ascii=False), indent=2)


def render_summary(console: Console, results: list[DemoResult]) -> None:
    """One closing line: how many requests answered as expected."""
    failed = [result for result in results if not result.ok]
    console.print()
    if failed:
        names = ", ".join(result.spec.name for result in failed)
        console.print(f"[bold red]{len(failed)} of {len(results)} failed:[/] {names}")
    else:
        console.print(f"[bold green]{len(results)} of {len(results)} as expected.[/]")
