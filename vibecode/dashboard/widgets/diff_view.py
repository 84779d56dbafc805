"""The current step's diff, shown on demand in place of the live table.

Drawn by the course's diff renderer, the one `vibecode show` uses: Python colours, +/- lines
tinted, a line wider than the view wrapped with `↪` on its continuation rows (nothing is cut
unseen), laid out again for the view's width.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from vibecode.course.diff_render import render_diff
from vibecode.course.diffs import FileDiff
from vibecode.dashboard.theme import DIM


class MarkedDiff:
    """A Rich renderable: every change, rendered for the width it is given."""

    def __init__(self, changes: Sequence[FileDiff]) -> None:
        self.changes = list(changes)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(12, options.max_width)
        for change in self.changes:
            for row in render_diff(change, width=width):
                row.no_wrap = True
                yield row


class DiffView(VerticalScroll):
    """A scrollable diff of what the current step changes."""

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

    def show(self, step: int, changes: Sequence[FileDiff]) -> None:
        """Show step `step`'s changes (none: nothing changes)."""
        self.border_title = f"Diff: step {step} against step {step - 1}" if step else "Diff"
        if not changes:
            self.body.update(Text("This step changes no files.", DIM))
        else:
            self.body.update(MarkedDiff(changes))
        self.scroll_home(animate=False)
