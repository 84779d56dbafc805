"""A paced demo: the next request, shown before it is sent; then its answer, until the next key."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Group, RenderableType
from rich.json import JSON
from rich.text import Text
from textual.widgets import Static

from vibecode.dashboard.theme import ACCENT, BAD, DIM, OK, status_style
from vibecode.dashboard.widgets.request_table import latency_label, status_label

BODY_LINES = 14


class DemoPanel(Static):
    """One demo request at a time, in large clear lines."""

    DEFAULT_CSS = """
    DemoPanel {
        border: round $accent; border-title-color: $accent; border-title-style: bold;
        height: 1fr; padding: 0 1; overflow: hidden;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Demo"
        self.parts: list[RenderableType] = [Text("No demo yet: d starts this step's.", DIM)]

    def request(self, index: int, total: int, preview: Any) -> None:
        """Show request `index` of `total` (a `DemoPreview`) before it is sent."""
        self.border_title = f"Demo {index} of {total}: {preview.name}"
        parts: list[RenderableType] = [
            Text.assemble((f"{preview.method} ", "bold #FF87FF"), (preview.path, "bold")),
        ]
        for name, value in preview.headers.items():
            parts.append(Text.assemble((f"{name}: ", "#5FAFFF"), _short(value)))
        if preview.body is not None:
            parts.append(_body(preview.body))
        if preview.note:
            parts.append(Text(f"→ {preview.note}", "italic"))
        parts.append(Text.assemble(("\nd", ACCENT), " sends it   ", ("Esc", ACCENT), " ends"))
        self.parts = parts
        self.update(Group(*parts))

    def answer(self, line: Any, *, last: bool) -> None:
        """The answer of the request shown (a `DemoLine` with a body)."""
        parts = [part for part in self.parts[:-1]]
        if line.status is None:
            parts.append(Text(f"\n✗ {line.error or 'no answer'}", BAD))
        else:
            parts.append(
                Text.assemble(
                    ("\n", ""),
                    (status_label(line.status), status_style(line.status)),
                    (f"  {latency_label(line.ms)}", DIM),
                    ("  ✓ as expected" if line.ok else f"  ✗ {line.error}", OK if line.ok else BAD),
                )
            )
            for name, value in getattr(line, "headers", {}).items():
                parts.append(Text.assemble((f"{name}: ", "#5FAFFF"), _short(value)))
            body = getattr(line, "body", None)
            if body not in (None, ""):
                parts.append(_body(body))
        hint = "d or Esc ends the demo" if last else "d shows the next request"
        parts.append(
            Text.assemble(("\n", ""), (hint.split(" ", 1)[0], ACCENT), " " + hint.split(" ", 1)[1])
        )
        self.parts = parts
        self.update(Group(*parts))


def _short(value: str, limit: int = 72) -> str:
    return value if len(value) <= limit else f"{value[: limit - 13]}…{value[-12:]}"


def _body(body: Any) -> RenderableType:
    if isinstance(body, str):
        lines = body.splitlines()
        more = len(lines) - BODY_LINES
        text = Text("\n".join(lines[:BODY_LINES]))
        if more > 0:
            text.append(f"\n… {more} more lines", DIM)
        return text
    rendered = json.dumps(body, indent=2, ensure_ascii=False).splitlines()
    if len(rendered) > BODY_LINES:
        shown = "\n".join(rendered[:BODY_LINES])
        return Group(Text(shown), Text(f"… {len(rendered) - BODY_LINES} more lines", DIM))
    return JSON(json.dumps(body, ensure_ascii=False), indent=2)
