"""Demo requests one at a time (demo-magic's `pe`): show one, send it on a key, show the answer.

The captures of each answer fill the placeholders of the requests after it, as in a run of all
of them; the preview shows a placeholder whose value is not known yet as it is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any

from vibecode.course import templating
from vibecode.course.manifest import RequestSpec

if TYPE_CHECKING:
    import httpx
    from rich.console import Console

    from vibecode.demo.runner import DemoResult


@dataclass(frozen=True)
class Preview:
    """A request as it will be sent."""

    name: str
    method: str
    path: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: Any = None
    note: str = ""


def _fill(value: Any, variables: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return Template(value).safe_substitute(variables)
    if isinstance(value, dict):
        return {key: _fill(item, variables) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, variables) for item in value]
    return value


class PacedDemo:
    """A step's demo requests, sent one by one as the presenter asks."""

    def __init__(
        self,
        base_url: str,
        specs: Sequence[RequestSpec],
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url
        self.specs = list(specs)
        self.transport = transport
        self.variables: dict[str, str] = {"run": templating.new_run_id()}
        self.results: list[DemoResult] = []

    @property
    def total(self) -> int:
        """How many requests the demo has."""
        return len(self.specs)

    def preview(self, index: int) -> Preview:
        """Request `index` (0-based) with the values known so far filled in."""
        spec = self.specs[index]
        body = spec.json if spec.json is not None else (dict(spec.form) if spec.form else None)
        return Preview(
            name=spec.name,
            method=spec.method,
            path=_fill(spec.path, self.variables),
            headers=_fill(dict(spec.headers), self.variables),
            body=_fill(body, self.variables),
            note=spec.note,
        )

    def send(self, index: int) -> DemoResult:
        """Fire request `index`; its captures are kept for the next ones."""
        from vibecode.demo.runner import run_requests

        [result] = run_requests(
            self.base_url, [self.specs[index]], variables=self.variables, transport=self.transport
        )
        self.variables.update(result.captured)
        self.results.append(result)
        return result


def run_paced(
    demo: PacedDemo,
    console: Console,
    *,
    wait: Callable[[str], bool] | None = None,
    log: Path | None = None,
) -> bool:
    """`vibecode demo --step`: each request shown, sent on Enter, answered; q (or EOF) stops.

    True when every request sent answered as expected (and at least one was sent).
    """
    from rich.markup import escape

    from vibecode.demo.log_match import log_about
    from vibecode.demo.render import render_result, render_summary

    ask = wait or _enter
    for index in range(demo.total):
        shown = demo.preview(index)
        console.print(
            f"[bold cyan]▶ {index + 1} of {demo.total}[/] [bold]{escape(shown.name)}[/]: "
            f"[bold magenta]{shown.method}[/] {escape(shown.path)}",
            highlight=False,
        )
        if not ask("Enter sends it, q stops the demo"):
            break
        result = demo.send(index)
        render_result(console, result, log=log_about(result, log))
    render_summary(console, demo.results)
    return bool(demo.results) and all(result.ok for result in demo.results)


def _enter(prompt: str) -> bool:
    """Wait for Enter on the terminal; False for q or the end of the input."""
    try:
        answer = input(f"  {prompt} ")
    except EOFError:
        return False
    return answer.strip().lower() not in ("q", "quit")
