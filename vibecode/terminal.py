"""The terminal sizes the tool is designed for, defined once.

The dashboard refuses a smaller terminal and draws its compact layout below FULL; `doctor`
checks the same minimum; SCRIPT.md's pre-flight quotes both. Standard library only: the CLI's
start-up path (`doctor`, `dashboard`'s check) imports it without Textual.
"""

from __future__ import annotations

MIN_WIDTH = 80
MIN_HEIGHT = 24
"""The smallest terminal the dashboard is designed for (its compact layout)."""
FULL_WIDTH = 110
FULL_HEIGHT = 34
"""From here on the dashboard's full layout; below it, the compact one."""


def minimum() -> str:
    """`80x24`."""
    return f"{MIN_WIDTH}x{MIN_HEIGHT}"


def full() -> str:
    """`110x34`."""
    return f"{FULL_WIDTH}x{FULL_HEIGHT}"


def fits(width: int, height: int) -> bool:
    """The dashboard can be drawn in a terminal of this size."""
    return width >= MIN_WIDTH and height >= MIN_HEIGHT
