"""A high-contrast theme for projectors: black, white and saturated signal colours.

Colour is never the only carrier of meaning: every coloured value also has a word or a number.
Textual is imported by `projector()` only, so the theme costs nothing until a view is built.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.theme import Theme

THEME_NAME = "vibecode-projector"


@cache
def projector() -> Theme:
    """The theme every view registers."""
    from textual.theme import Theme

    return Theme(
        name=THEME_NAME,
        primary="#FFD700",
        secondary="#00D7FF",
        accent="#00D7FF",
        foreground="#FFFFFF",
        background="#000000",
        surface="#000000",
        panel="#1C1C1C",
        success="#00FF5F",
        warning="#FFAF00",
        error="#FF5F5F",
        dark=True,
        variables={
            "footer-key-foreground": "#FFD700",
            "footer-description-foreground": "#FFFFFF",
            "block-cursor-background": "#FFD700",
            "block-cursor-foreground": "#000000",
        },
    )


OK = "bold #00FF5F"
WARN = "bold #FFAF00"
BAD = "bold #FF5F5F"
DIM = "#BCBCBC"
ACCENT = "bold #FFD700"


def status_style(status: int) -> str:
    """The style of an HTTP status: green 2xx, cyan 3xx, amber 4xx, red 5xx."""
    if status >= 500:
        return BAD
    if status >= 400:
        return WARN
    if status >= 300:
        return "bold #00D7FF"
    return OK
