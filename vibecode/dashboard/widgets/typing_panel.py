"""Typing on stage: where we are (file, hunk, progress), the editor view, what to press."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from vibecode.dashboard.theme import ACCENT, DIM, OK
from vibecode.dashboard.widgets.activity import progress_bar
from vibecode.dashboard.widgets.code_view import CodeView
from vibecode.live.player import Player

KEYS_HINT = "keys type · Enter: hunk · Tab: file · Ctrl-E: step · Esc: pause"


class TypingPanel(Vertical):
    """The file being typed with its place in the step above it and a status line below."""

    DEFAULT_CSS = """
    TypingPanel { border: round $accent; border-title-color: $accent; border-title-style: bold;
                  height: 1fr; }
    TypingPanel > #where { height: 1; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    TypingPanel > #note { height: auto; max-height: 2; padding: 0 1; display: none; }
    TypingPanel.-note > #note { display: block; }
    TypingPanel > #keys { height: 1; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, *, id: str | None = None, hint: str = KEYS_HINT) -> None:
        super().__init__(id=id)
        self.border_title = "Typing"
        self.where = Static(id="where")
        self.note = Static(id="note")
        self.code = CodeView(id="code")
        self.keys = Static(Text(hint, DIM), id="keys")
        self._where_text = ""
        self._note_text: str | None = None

    def compose(self) -> ComposeResult:
        yield self.where
        yield self.note
        yield self.code
        yield self.keys

    def show(self, player: Player, *, written: int = 0) -> None:
        """Draw the player's state."""
        plan = player.plan
        title = f"Typing step {plan.step}: {plan.title}"
        if self.border_title != title:  # setting it repaints the whole panel
            self.border_title = title
        total = max(1, plan.chars)
        fraction = player.chars_done / total
        line = Text.assemble((player.where(), ACCENT), "  ", (progress_bar(fraction, 12), DIM))
        # One-line fixed-height labels: no layout pass for them (it would cost a frame a key).
        if line.plain != self._where_text:
            self._where_text = line.plain
            self.where.update(line, layout=False)
        file = player.file
        note = ""
        if file is not None and file.mode == "instant":
            note = f"Written at once: {file.note}" if file.note else "Written at once."
        elif file is not None and file.mode == "deleted":
            note = "This step deletes the file: its lines go, then the file."
        elif file is not None and file.note:
            note = file.note
        if player.at_end:
            note = f"Step {plan.step} typed."
        if note != self._note_text:
            self._note_text = note
            self.note.update(Text(note, OK if player.at_end else DIM))
            self.set_class(bool(note), "-note")
        self.code.show(player)
