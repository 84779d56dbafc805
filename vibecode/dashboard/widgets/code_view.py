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
PLAIN_BACKGROUND = Style(bgcolor="#000000")
REMOVED = Style(color="#FF8787", bgcolor="#3A1010", strike=True)
CURSOR = Style(color="#000000", bgcolor="#FFD700")
CUT_MARK = Segment("→", Style(color="#FFD700", bold=True))
MAX_CACHED = 2_000
HEIGHT_BLOCK = 64


class CodeView(ScrollView, can_focus=False):
    """Shows a `Player`'s current file; `show(player)` after every change."""

    DEFAULT_CSS = """
    CodeView { background: #000000; height: 1fr; scrollbar-size-vertical: 1; overflow-x: hidden; }
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
        same_hunk = key == self._static and hunk is not None
        old_count, old_focus, old_top = len(self.lines), self.focus_row, int(self.scroll_y)
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
        # A change of the virtual size lays the whole screen out again (a full repaint): keep
        # it steady while typing. Wide lines are cut with a mark, so the width is the view's;
        # the height grows in blocks, not with every new line.
        height = self.size.height or 20
        rows = len(lines) if len(lines) <= height else -(-len(lines) // HEIGHT_BLOCK) * HEIGHT_BLOCK
        self.virtual_size = Size(self.size.width or 80, max(rows, height))
        self._keep_in_view()
        if not same_hunk or int(self.scroll_y) != old_top:
            self.refresh()
        elif len(lines) == old_count:
            # A key inside a line: only that line changed (the common case, kept cheap).
            self.refresh_lines(self.focus_row)
        else:
            # A new line: everything from the line before it down moved.
            start = min(old_focus, self.focus_row)
            self.refresh_lines(start, max(1, int(self.scroll_y) + self.size.height - start))

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

    def on_resize(self) -> None:
        """A new size (the first layout too): the hunk back in view."""
        self._keep_in_view()
        self.refresh()

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
        width = self.scrollable_content_region.width  # the scrollbar takes the last column
        if index >= len(self.lines):
            return Strip.blank(width)
        line = self.lines[index]
        coloured = self._texts[index] if index < len(self._texts) else None
        gutter_width = self._gutter_width()
        in_hunk = line.kind in ("typing", "cursor", "removed")
        background = HUNK_BACKGROUND if in_hunk else PLAIN_BACKGROUND
        code_width = max(1, width - gutter_width - 2)
        # The code part is cached by its text, not its row: lines that move down when a line
        # is typed above them are not drawn again.
        key = (line.text, line.kind, id(coloured), code_width)
        body = self._cache.get(key)
        if body is None:
            body = self._body(line, coloured, code_width, background)
            if len(self._cache) > MAX_CACHED:
                self._cache.clear()
            self._cache[key] = body
        number = "-" if line.number is None else str(line.number)
        gutter = Strip(
            [
                Segment(f"{number:>{gutter_width - 1}} ", GUTTER_HUNK if in_hunk else GUTTER),
                Segment("│ ", GUTTER),
            ]
        ).apply_style(background)
        return Strip.join([gutter, body])

    def _body(self, line: Line, coloured: Text | None, code_width: int, background: Style) -> Strip:
        text = (coloured or Text(line.text)).copy()
        if line.kind == "removed":
            text.stylize(REMOVED)
        if line.kind == "cursor":
            text.append(" ", CURSOR)
        strip = Strip(list(text.render(self.app.console)))
        cut = strip.cell_length > code_width
        strip = strip.crop(0, code_width - 1 if cut else code_width)
        if cut:
            strip = Strip([*strip, CUT_MARK])
        return strip.extend_cell_length(code_width, background).apply_style(background)
