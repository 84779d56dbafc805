"""Ask before acting: `q` and `s` on stage are one key away from ending the talk's server."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from vibecode.dashboard.theme import ACCENT, DIM


class ConfirmScreen(ModalScreen[bool]):
    """`question` with y (or Enter) to go ahead and n (or Escape) to leave things as they are."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; background: $background 60%; }
    ConfirmScreen > Vertical {
        width: 64; max-width: 95%; height: auto; border: heavy $warning;
        background: $background; padding: 1 2;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("enter", "answer(True)", "Yes", show=False),
        Binding("n", "answer(False)", "No"),
        Binding("escape", "answer(False)", "No", show=False),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        lines = [Static(Text(self.question, "bold"))]
        if self.detail:
            lines.append(Static(Text(self.detail, DIM)))
        lines.append(Static(Text.assemble(("y", ACCENT), " yes   ", ("n", ACCENT), " no")))
        yield Vertical(*lines)

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(yes)
