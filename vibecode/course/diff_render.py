"""A file's diff for a terminal: the language's syntax colours, +/- lines tinted, long lines
wrapped with a mark instead of cut (what an attendee types must be whole)."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from vibecode.course.diffs import FileDiff, text_of

if TYPE_CHECKING:
    from rich.text import Text

CONTEXT = 3
ADDED, REMOVED = "on #12331a", "on #3d1518"
CONTINUED = "↪"


def render_diff(change: FileDiff, *, width: int) -> list[Text]:
    """The lines to print for one file's change, at most `width` cells wide each."""
    from rich.text import Text

    header = Text(f"{change.status} {change.path}", style="bold")
    added, removed = change.counts
    header.append(f" +{added}", style="green")
    header.append(f" -{removed}", style="red")
    if change.encoding_note:
        header.append(f" ({change.encoding_note})", style="dim")
    old_text, new_text = text_of(change.old), text_of(change.new)
    if old_text is None or new_text is None:
        return [header, Text("Binary files differ", style="dim")]
    if change.line_endings_only:
        return [header, Text(change.unified().splitlines()[-1], style="yellow")]
    old_lines, new_lines = _highlighted(change.path, old_text), _highlighted(change.path, new_text)
    rows = [header]
    matcher = difflib.SequenceMatcher(None, old_text.splitlines(), new_text.splitlines())
    for group in matcher.get_grouped_opcodes(CONTEXT):
        first, last = group[0], group[-1]
        rows.append(
            Text(
                f"@@ -{first[1] + 1},{last[2] - first[1]} +{first[3] + 1},{last[4] - first[3]} @@",
                style="cyan",
            )
        )
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows += _wrapped(" ", old_lines[i1:i2], "", width)
                continue
            if tag in ("replace", "delete"):
                rows += _wrapped("-", old_lines[i1:i2], REMOVED, width)
            if tag in ("replace", "insert"):
                rows += _wrapped("+", new_lines[j1:j2], ADDED, width)
    return rows


def _highlighted(path: str, text: str) -> list[Text]:
    """Each line of `text` with its syntax colours (the whole file is lexed at once, so a
    docstring spanning lines is coloured as one)."""
    from rich.syntax import Syntax

    lexer = Syntax.guess_lexer(path, code=text)
    syntax = Syntax(text, lexer, theme="monokai", background_color="default")
    lines = syntax.highlight(text).split("\n", allow_blank=True)
    return list(lines)[: len(text.splitlines())] or []


def _wrapped(marker: str, lines: list[Text], background: str, width: int) -> list[Text]:
    from rich.text import Text

    rows = []
    room = max(10, width - 1)
    marker_style = {"+": "bold green", "-": "bold red"}.get(marker, "")
    for line in lines:
        line = line.copy()
        line.rstrip()
        pieces = line.divide(range(room, len(line.plain), room)) if line.plain else [Text("")]
        for index, piece in enumerate(pieces):
            row = Text(marker if index == 0 else CONTINUED, style=marker_style or "dim")
            row.append_text(piece)
            if background:
                row.stylize(background)
                row.pad_right(max(0, room - len(piece.plain)))
                row.stylize(background, len(row.plain) - max(0, room - len(piece.plain)))
            rows.append(row)
    return rows
