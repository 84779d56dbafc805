"""The keys along the bottom, as many as fit; when some do not, `? more keys` says so."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static

from vibecode.dashboard.theme import ACCENT

MORE = "? more keys"


def key_line(bindings: Sequence[Binding], width: int) -> Text:
    """`n Next  p Prev …` cut to `width`, never mid-key, with the `?` help key kept last."""
    shown = [b for b in bindings if b.show]
    unique: list[Binding] = []
    for binding in shown:
        if all(b.action != binding.action for b in unique):
            unique.append(binding)
    help_key = [b for b in unique if b.action == "help"]
    others = [b for b in unique if b.action != "help"]

    def render(items: Sequence[Binding], more: bool) -> Text:
        text = Text(no_wrap=True)
        for binding in items:
            text.append(f" {binding.key_display or binding.key}", ACCENT)
            text.append(f" {binding.description} ")
        if more:
            text.append(f" {MORE.split(' ', 1)[0]}", ACCENT)
            text.append(f" {MORE.split(' ', 1)[1]} ")
        return text

    for count in range(len(others), -1, -1):
        more = count < len(others)
        line = render(others[:count] + ([] if more else help_key), more)
        if line.cell_len <= width:
            return line
    return render([], True)


class KeyBar(Static):
    """The app's keys in one line."""

    DEFAULT_CSS = """
    KeyBar { height: 1; background: #1C1C1C; }
    """

    def render(self) -> Text:
        bindings = [b for b in self.app.BINDINGS if isinstance(b, Binding)]
        return key_line(bindings, self.size.width or 80)
