"""The current step's diff, shown on demand in place of the live table.

Each line keeps its diff sign in a gutter and its code in Python colours (Pygments through Rich,
lexed a hunk at a time so strings and docstrings over several lines colour right). A line wider
than the view wraps, and its continuation rows carry `↪` in the gutter: nothing is cut unseen.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from vibecode.dashboard.theme import DIM

THEME = "monokai"
SIGN_STYLES = {
    "+": (Style(color="#00FF5F", bold=True), Style(bgcolor="#0A2A0A")),
    "-": (Style(color="#FF5F5F", bold=True), Style(bgcolor="#2A0A0A")),
    " ": (Style(color="#6C6C6C"), Style()),
}
HEADER = Style(color="#FFD700", bold=True)
HUNK_HEADER = Style(color="#00D7FF")
CONTINUED = Segment("↪", Style(color="#FFD700", bold=True))


@dataclass(frozen=True)
class _Row:
    sign: str
    """`+`, `-`, ` `, or `h` for a header line (file names, `@@`)."""
    text: Text


def coloured_rows(diff: str) -> list[_Row]:
    """The diff's lines with their code coloured by the file's language."""
    rows: list[_Row] = []
    lexer = "text"
    block: list[tuple[str, str]] = []

    def flush() -> None:
        if not block:
            return
        syntax = Syntax("", lexer, theme=THEME)
        # The new side (context and additions) and the old side (removals) lexed apart.
        for side in ("+", "-"):
            wanted = [(i, code) for i, (sign, code) in enumerate(block) if sign in (side, " ")]
            if side == "-":
                wanted = [(i, code) for i, (sign, code) in enumerate(block) if sign == "-"]
            if not wanted:
                continue
            source = "\n".join(code for _, code in wanted)
            lines = syntax.highlight(source).split("\n", allow_blank=True)
            for (index, _), text in zip(wanted, lines, strict=False):
                text.rstrip()
                coloured[index] = text
        for index, (sign, code) in enumerate(block):
            rows.append(_Row(sign, coloured.get(index) or Text(code)))
        block.clear()
        coloured.clear()

    coloured: dict[int, Text] = {}
    for line in diff.splitlines():
        if line.startswith(("--- ", "+++ ")):
            flush()
            name = line[4:].split("\t", 1)[0].removeprefix("a/").removeprefix("b/")
            if name != "/dev/null":
                lexer = Syntax.guess_lexer(name)
            rows.append(_Row("h", Text(line, HEADER)))
        elif line.startswith("@@"):
            flush()
            rows.append(_Row("h", Text(line, HUNK_HEADER)))
        elif line[:1] in ("+", "-", " "):
            block.append((line[:1], line[1:]))
        elif line.startswith("\\"):
            flush()
            rows.append(_Row("h", Text(line, DIM)))
        else:
            flush()
            rows.append(_Row("h", Text(line)))
    flush()
    return rows


class MarkedDiff:
    """A Rich renderable: the coloured diff wrapped to the width, continuations marked `↪`."""

    def __init__(self, diff: str) -> None:
        self.rows = coloured_rows(diff)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(4, options.max_width)
        code_width = width - 2
        for row in self.rows:
            yield from self._row(console, row, code_width, width)

    def _row(self, console: Console, row: _Row, code_width: int, width: int) -> Iterator[Segment]:
        if row.sign == "h":
            for line in row.text.wrap(console, width):
                yield from line.render(console)
                yield Segment.line()
            return
        sign_style, background = SIGN_STYLES[row.sign]
        wrapped = row.text.wrap(console, code_width, overflow="fold") or [Text("")]
        for number, part in enumerate(wrapped):
            part.rstrip_end(code_width)
            part.pad_right(code_width - part.cell_len)
            part.stylize(background)
            yield CONTINUED if number else Segment(row.sign, sign_style)
            yield Segment(" ", background)
            yield from part.render(console)
            yield Segment.line()


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
            body.update(MarkedDiff(diff))
        self.scroll_home(animate=False)
