"""The help screen: every key the dashboard answers to, generated from its bindings."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from vibecode.dashboard.theme import ACCENT, DIM


class HelpScreen(ModalScreen[None]):
    """A table of keys; any of escape, q or ? closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; background: $background 60%; }
    HelpScreen > Vertical {
        width: 76;
        height: auto;
        border: heavy $primary;
        border-title-color: $primary;
        border-title-style: bold;
        background: $background;
        padding: 1 2;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close"),
        Binding("question_mark", "dismiss", "Close", key_display="?"),
        Binding("q", "dismiss", "Close"),
    ]

    def __init__(self, bindings: list[Binding], notes: dict[str, str]) -> None:
        super().__init__()
        self.keys = bindings
        self.notes = notes

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column()
        for binding in self.keys:
            key = binding.key_display or binding.key
            table.add_row(
                Text(key, ACCENT),
                Text(binding.description, "bold"),
                Text(self.notes.get(binding.action, ""), DIM),
            )
        box = Vertical(Static(table), Static(Text("escape, q or ? closes this", DIM)))
        box.border_title = "Keys"
        yield box
