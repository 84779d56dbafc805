"""Demo requests one at a time (demo-magic's `pe`): show one, send it on a key, show the answer.

The captures of each answer fill the placeholders of the requests after it, as in a run of all
of them; the preview shows a placeholder whose value is not known yet as it is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from string import Template
from typing import TYPE_CHECKING, Any

from vibecode.course import templating
from vibecode.course.manifest import RequestSpec

if TYPE_CHECKING:
    import httpx

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
