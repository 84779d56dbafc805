"""All of a step's talking points, scrollable, with what is out of view said in words."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from vibecode.dashboard.theme import ACCENT, BAD, DIM

SECTIONS = (("Say", ""), ("Point at", "Point at:"), ("If it breaks", "If it breaks:"))


def split_points(points: tuple[str, ...]) -> dict[str, list[str]]:
    """The points under SCRIPT.md's headings: Say, Point at, If it breaks."""
    sections: dict[str, list[str]] = {name: [] for name, _ in SECTIONS}
    for point in points:
        for name, prefix in SECTIONS[1:]:
            if point.startswith(prefix):
                sections[name].append(point.removeprefix(prefix).strip())
                break
        else:
            sections["Say"].append(point)
    return sections


class TalkingPoints(Vertical):
    """The points in a scrolling box between two marks: `▲ 2 above` and `▼ 4 more below`."""

    DEFAULT_CSS = """
    TalkingPoints { height: 1fr; }
    TalkingPoints > .mark { height: 1; color: $warning; text-style: bold; }
    TalkingPoints > VerticalScroll { height: 1fr; scrollbar-size-vertical: 1; }
    TalkingPoints > VerticalScroll > Static { margin-bottom: 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.above = Static(classes="mark", id="above")
        self.scroller = VerticalScroll(id="points", can_focus=False)
        self.below = Static(classes="mark", id="below")
        self.items: list[Static] = []

    def compose(self) -> ComposeResult:
        yield self.above
        yield self.scroller
        yield self.below

    def on_mount(self) -> None:
        self.set_interval(0.2, self.update_marks, name="marks")

    def show(self, points: tuple[str, ...]) -> None:
        """Replace the points (back at the top)."""
        self.scroller.remove_children()
        self.items = []
        for name, lines in split_points(points).items():
            style = BAD if name == "If it breaks" else ACCENT
            for line in lines:
                label = "" if name == "Say" else f"{name}: "
                item = Static(Text.assemble(("• ", style), (label, style), line))
                self.items.append(item)
        if not self.items:
            self.items.append(Static(Text("No talking points for this step.", DIM)))
        self.scroller.mount_all(self.items)
        self.scroller.scroll_home(animate=False)
        self.call_after_refresh(self.update_marks)

    def scroll_points(self, rows: int) -> None:
        """Scroll by `rows` (negative: up)."""
        self.scroller.scroll_relative(y=rows, animate=False)
        self.call_after_refresh(self.update_marks)

    def hidden(self) -> tuple[int, int]:
        """How many points are wholly or partly out of view above and below."""
        top = self.scroller.scroll_y
        bottom = top + self.scroller.size.height
        above = below = 0
        for item in self.items:
            region = item.virtual_region
            if region.y < top:
                above += 1
            elif region.bottom > bottom:
                below += 1
        return above, below

    def update_marks(self) -> None:
        """Say what is out of view (recomputed after scrolls and resizes)."""
        above, below = self.hidden()
        self.above.update(f"▲ {above} above" if above else "")
        self.below.update(f"▼ {below} more below" if below else "")
