"""Figures as the audience reads them: latencies in ms or s, ratios as 1.3x or 1,391x."""

from __future__ import annotations


def ms(value: float) -> str:
    """A latency for humans: 0.84 ms, 12.3 ms, 2.61 s."""
    if value >= 1000:
        return f"{value / 1000:.2f} s"
    if value >= 100:
        return f"{value:.0f} ms"
    if value >= 10:
        return f"{value:.1f} ms"
    return f"{value:.2f} ms"


def times(ratio: float) -> str:
    """A ratio for the audience: 1.3x, 52.3x, 1,391x."""
    return f"{ratio:,.0f}x" if ratio >= 100 else f"{ratio:.1f}x"
