"""What the views draw of the room, as Rich renderables.

`histogram` is the audience's (no names: per step, how many attendees and how many pass it),
`roster` the presenter's. Names are data, never markup: they go into `Text` as they are, with
anything unprintable replaced, so a name such as "[red]x" shows literally.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

BAR = "█"
PASS_STYLE = "bold green"
WORK_STYLE = "yellow"
HERE = "▶"


def shown_name(name: object, *, limit: int = 40) -> str:
    """A name as it may appear on a screen: printable characters only, at most `limit`."""
    text = "".join(char if char.isprintable() else "?" for char in str(name))
    return text[:limit]


def histogram(summary: dict[str, Any], *, last_step: int, width: int = 40) -> RenderableType:
    """Attendees per step (green: they pass it), the presenter's step marked; no names."""
    counts = {int(row["step"]): row for row in summary.get("steps", [])}
    presenter = int(summary.get("presenter_step", 0))
    attendees = int(summary.get("attendees", 0))
    head = Text.assemble(
        (f"{attendees} attendee{'s' if attendees != 1 else ''}", "bold"),
        f" · presenter at step {presenter}",
        (" · closed" if summary.get("closed") else "", "dim"),
    )
    if not counts:
        return Group(head, Text("nobody has joined yet", style="dim"))
    low = min(min(counts), presenter)
    high = max(max(counts), presenter, min(last_step, presenter + 1))
    most = max(int(row["attendees"]) for row in counts.values())
    bar_width = max(4, width - 16)
    lines: list[RenderableType] = [head]
    for step in range(low, high + 1):
        row = counts.get(step, {"attendees": 0, "passing": 0})
        total, passing = int(row["attendees"]), int(row["passing"])
        size = round(bar_width * total / most) if total else 0
        green = round(size * passing / total) if total else 0
        line = Text(f"{HERE if step == presenter else ' '}{step:>3} ", style="bold")
        line.append(BAR * green, style=PASS_STYLE)
        line.append(BAR * (size - green), style=WORK_STYLE)
        line.append(f" {total}" if total else " ·", style="bold" if total else "dim")
        if passing:
            line.append(f" ({passing} pass)", style="green")
        lines.append(line)
    return Group(*lines)


def roster(state: dict[str, Any], *, width: int = 40) -> RenderableType:
    """The presenter's lines: who is stuck, the most common failing test, everyone by step."""
    lines: list[RenderableType] = []
    limit = float(state.get("stuck_minutes", 0))
    people = list(state.get("attendee_list", []))
    stuck = [person for person in people if person.get("stuck")]
    if stuck:
        line = Text(f"stuck > {limit:g} min: ", style="bold red")
        for index, person in enumerate(stuck):
            if index:
                line.append(", ")
            line.append(shown_name(person["name"]))
            line.append(f" (step {person['step']}, {_duration(person['failing_for'])})", "dim")
        lines.append(line)
    else:
        lines.append(Text(f"nobody stuck for more than {limit:g} min", style="green"))
    failing = list(state.get("failing_tests", []))
    if failing:
        top = failing[0]
        test = shown_name(top["test"], limit=200).rsplit("::", 1)[-1]
        lines.append(
            Text.assemble(
                ("most failing at this step: ", "bold"),
                (test, "yellow"),
                f" ({top['attendees']})",
            )
        )
    by_step: dict[int, list[dict[str, Any]]] = {}
    for person in people:
        by_step.setdefault(int(person["step"]), []).append(person)
    for step in sorted(by_step, reverse=True):
        line = Text(f"{step:>3} ", style="bold")
        for index, person in enumerate(by_step[step]):
            if index:
                line.append(" ")
            style = "red" if person.get("stuck") else "green" if person.get("passes") else ""
            line.append(shown_name(person["name"], limit=20), style=style)
        line.truncate(width * 2, overflow="ellipsis")
        lines.append(line)
    return Group(*lines)


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 60 else f"{seconds / 60:.0f} min"


def qr_code(text: str) -> str:
    """`text` as a QR code in terminal characters (two rows of modules per line)."""
    import io

    import segno

    buffer = io.StringIO()
    segno.make(text, error="m").terminal(out=buffer, compact=True, border=2)
    return buffer.getvalue()
