"""The file being typed, as an editor shows it: line numbers, syntax colour, the hunk lit up.

A Line API widget: only the visible rows are drawn, each from a cached strip, so a keypress
redraws the line being typed and nothing else. Colour comes from Pygments through Rich; the
file around the hunk is coloured once per hunk, the text being typed on every key (it is short).
Lines wider than the view end in a `→` mark rather than being cut silently.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from rich.syntax import Syntax
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from vibecode.live.player import Line, Player

THEME = "monokai"
GUTTER = Style(color="#8A8A8A")
GUTTER_HUNK = Style(color="#FFD700", bold=True)
HUNK_BACKGROUND = Style(bgcolor="#1C2A3A")
REMOVED = Style(color="#FF8787", bgcolor="#3A1010", strike=True)
CURSOR = Style(color="#000000", bgcolor="#FFD700")
CUT_MARK = Segment("→", Style(color="#FFD700", bold=True))
MAX_CACHED = 2_000


class CodeView(ScrollView, can_focus=False):
    """Shows a `Player`'s current file; `show(player)` after every change."""

    DEFAULT_CSS = """
    CodeView { background: #000000; height: 1fr; scrollbar-size-vertical: 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: list[Line] = []
        self._texts: list[Text] = []
        self._static: tuple[object, ...] | None = None
        self._prefix: list[Text] = []
        self._middle: list[Text] = []
        self._suffix: list[Text] = []
        self._syntax: Syntax | None = None
        self._cache: dict[tuple[object, ...], Strip] = {}
        self.focus_row = 0

    # Feeding ---------------------------------------------------------------------------------

    def show(self, player: Player) -> None:
        """Take the player's current screen; colour what changed; keep the hunk in view."""
        lines = player.lines()
        file, hunk = player.file, player.hunk
        key = (player.file_index, player.hunk_index, player.phase)
        if file is None:
            self.lines, self._texts = [], []
        elif key != self._static or hunk is None:
            self._recolour(player, lines)
        else:
            typed = file.typed_text(hunk)[: player.typed]
            middle = self._highlight(typed) if player.phase == "typing" else []
            if player.phase == "typing" and (not middle or typed.endswith("\n")):
                middle.append(Text(""))
            self._texts = [*self._prefix, *self._removed_texts(lines), *middle, *self._suffix]
        self.lines = lines
        if len(self._texts) != len(lines):  # never draw a line with another's colours
            self._texts = [Text(line.text) for line in lines]
        self.focus_row = next(
            (i for i, line in enumerate(lines) if line.kind == "cursor"),
            next((i for i, line in enumerate(lines) if line.kind == "removed"), 0),
        )
        width = max((len(line.text) for line in lines), default=0) + self._gutter_width() + 2
        self.virtual_size = Size(width, len(lines))
        self._keep_in_view()
        self.refresh()

    def _recolour(self, player: Player, lines: list[Line]) -> None:
        file, hunk = player.file, player.hunk
        assert file is not None
        self._static = (player.file_index, player.hunk_index, player.phase)
        self._syntax = Syntax("", Syntax.guess_lexer(file.path), theme=THEME)
        if hunk is None:  # a file written at once: all of it, coloured once
            self._prefix = self._highlight("\n".join(line.text for line in lines))[: len(lines)]
            self._middle, self._suffix = [], []
            self._texts = list(self._prefix)
            return
        self._prefix = self._highlight("".join(file.new[: hunk.new_start]))[: hunk.new_start]
        self._suffix = self._highlight("".join(file.old[hunk.old_end :]))[
            : len(file.old) - hunk.old_end
        ]
        self._middle = self._highlight("".join(file.old[hunk.old_start : hunk.old_end]))[
            : hunk.removes
        ]
        typed = file.typed_text(hunk)[: player.typed]
        middle = self._highlight(typed) if player.phase == "typing" else []
        if player.phase == "typing" and (not middle or typed.endswith("\n")):
            middle.append(Text(""))
        self._texts = [*self._prefix, *self._removed_texts(lines), *middle, *self._suffix]

    def _removed_texts(self, lines: Sequence[Line]) -> list[Text]:
        return self._middle if any(line.kind == "removed" for line in lines) else []

    def _highlight(self, code: str) -> list[Text]:
        if not code:
            return []
        syntax = self._syntax or Syntax("", "text", theme=THEME)
        text = syntax.highlight(code)
        text.rstrip_end(len(code))
        parts = list(text.split("\n", allow_blank=True))
        if code.endswith("\n") and parts and not parts[-1].plain:
            parts = parts[:-1]
        return parts

    def _keep_in_view(self) -> None:
        height = self.size.height or 20
        top = int(self.scroll_y)
        margin = min(4, height // 4)
        row = self.focus_row
        if row < top + margin or row > top + height - 1 - margin:
            self.scroll_to(y=max(0, row - height // 3), animate=False, immediate=True)

    # Drawing ---------------------------------------------------------------------------------

    def _gutter_width(self) -> int:
        return max(3, len(str(len(self.lines)))) + 1

    def render_line(self, y: int) -> Strip:
        """One row of the view."""
        index = y + int(self.scroll_y)
        width = self.size.width
        if index >= len(self.lines):
            return Strip.blank(width)
        line = self.lines[index]
        key = (index, line, width, id(self._texts[index]) if index < len(self._texts) else 0)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        strip = self._draw(line, self._texts[index] if index < len(self._texts) else None, width)
        if len(self._cache) > MAX_CACHED:
            self._cache.clear()
        self._cache[key] = strip
        return strip

    def _draw(self, line: Line, coloured: Text | None, width: int) -> Strip:
        gutter_width = self._gutter_width()
        in_hunk = line.kind in ("typing", "cursor", "removed")
        number = "-" if line.number is None else str(line.number)
        gutter = Segment(f"{number:>{gutter_width - 1}} ", GUTTER_HUNK if in_hunk else GUTTER)
        text = (coloured or Text(line.text)).copy()
        if line.kind == "removed":
            text.stylize(REMOVED)
        if line.kind == "cursor":
            text.append(" ", CURSOR)
        segments = [gutter, Segment("│ ", GUTTER)]
        console = self.app.console
        code_width = max(1, width - gutter_width - 2)
        body = list(text.render(console))
        strip = Strip(body)
        cut = strip.cell_length > code_width
        strip = strip.crop(0, code_width - 1 if cut else code_width)
        parts = list(strip)
        if cut:
            parts.append(CUT_MARK)
        full = Strip([*segments, *parts])
        background = HUNK_BACKGROUND if in_hunk else Style(bgcolor="#000000")
        return full.extend_cell_length(width, background).apply_style(background)
