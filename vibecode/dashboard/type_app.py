"""`vibecode type`: a step typed into the workspace in an editor-like view, paced by keys.

Any key types the next few characters; Enter (or a clicker's PageDown) finishes the hunk, Tab
(or End) the file, Ctrl-E the step; Esc or Ctrl-C pause (the next `vibecode type` resumes where
the disk is). With `auto`, a clock types `cps` characters a second and the app ends by itself.
"""

from __future__ import annotations

import gc
import time
from typing import ClassVar

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType

from vibecode.dashboard.backend import TypingJob
from vibecode.dashboard.theme import THEME_NAME, projector
from vibecode.dashboard.widgets.typing_panel import TypingPanel

FRAME_S = 1 / 60
"""Unattended typing advances once per frame."""


class TypeApp(App[bool]):
    """Plays a begun `Typist`; returns True when the step was typed to its end."""

    TITLE = "vibecode type"
    ENABLE_COMMAND_PALETTE = False
    CSS = "Screen { background: #000000; }"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "finish_hunk", "Hunk", priority=True),
        Binding("pagedown", "finish_hunk", "Hunk", show=False, priority=True),
        Binding("tab", "finish_file", "File", priority=True),
        Binding("end", "finish_file", "File", show=False, priority=True),
        Binding("ctrl+e", "finish_step", "Step", priority=True),
        Binding("escape", "pause", "Pause", priority=True),
        Binding("ctrl+c", "pause", "Pause", show=False, priority=True),
    ]

    def __init__(self, typist: TypingJob, *, cps: float | None = None) -> None:
        super().__init__()
        self.typist = typist
        self.cps = cps
        """Characters per second when typing unattended; None: keys pace it."""
        self.panel = TypingPanel(id="typing")
        self.keys_seen = 0
        self._last_tick = 0.0
        self.started_at: float | None = None
        self.typed_seconds: float | None = None
        """From the first frame to the last character (None until the end)."""

    def compose(self) -> ComposeResult:
        yield self.panel

    def on_mount(self) -> None:
        self.register_theme(projector())
        self.theme = THEME_NAME
        self._draw()
        # Everything built so far lives as long as the app: out of the collector's way, so a
        # full collection does not stall a keypress (the reference app does the same at start).
        self.call_after_refresh(gc.freeze)
        if self.cps is not None:
            self._last_tick = time.monotonic()
            self.set_interval(FRAME_S, self._tick, name="auto")

    def _draw(self) -> None:
        player = self.typist.player
        assert player is not None, "begin() the typist first"
        self.panel.show(player, written=self.typist.written)
        now = time.monotonic()
        if self.started_at is None:
            self.started_at = now
        if player.at_end:
            self.typed_seconds = now - self.started_at
            self.exit(True)

    def _tick(self) -> None:
        now = time.monotonic()
        elapsed, self._last_tick = now - self._last_tick, now
        assert self.cps is not None
        self.typist.advance(self.cps * elapsed)
        self._draw()

    def on_key(self, event: events.Key) -> None:
        """Magic typing: any printable key (or space) types what comes next."""
        if self.cps is not None or not (event.is_printable or event.key == "space"):
            return
        event.stop()
        event.prevent_default()
        self.keys_seen += 1
        self.typist.press()
        self._draw()

    def action_finish_hunk(self) -> None:
        """The rest of the hunk, written."""
        self.typist.finish_hunk()
        self._draw()

    def action_finish_file(self) -> None:
        """The rest of the file."""
        self.typist.finish_file()
        self._draw()

    def action_finish_step(self) -> None:
        """The rest of the step."""
        self.typist.finish_step()
        self._draw()

    def action_pause(self) -> None:
        """Leave; what is typed stays on disk and `vibecode type` resumes from there."""
        self.exit(False)
