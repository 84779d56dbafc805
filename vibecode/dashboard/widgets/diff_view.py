"""The current step's diff, syntax-highlighted, shown on demand in place of the live table."""

from __future__ import annotations

from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from vibecode.dashboard.theme import DIM


class DiffView(VerticalScroll):
    """A scrollable unified diff of what the current step changes."""

    DEFAULT_CSS = """
    DiffView {
        border: round $accent;
        border-title-color: $accent;
        border-title-style: bold;
        height: 1fr;
    }
    DiffView > Static { width: 100%; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Diff"
        self.body = Static(Text("loading…", DIM))

    def compose(self) -> ComposeResult:
        yield self.body

    def show(self, step: int, diff: str) -> None:
        """Show step `step`'s diff (empty: nothing changes)."""
        self.border_title = f"Diff: step {step} against step {step - 1}" if step else "Diff"
        body = self.body
        if not diff.strip():
            body.update(Text("This step changes no files.", DIM))
        else:
            body.update(Syntax(diff, "diff", theme="monokai", background_color="#000000"))
        self.scroll_home(animate=False)
