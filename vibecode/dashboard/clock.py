"""Time as a seam: the dashboard reads both clocks through here so tests can freeze them."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """Wall time (to place events in seconds) and monotonic time (for elapsed clocks)."""

    def time(self) -> float:
        """Seconds since the epoch."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back."""
        ...


class SystemClock:
    """The real clocks."""

    def time(self) -> float:
        """Seconds since the epoch."""
        return time.time()

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back."""
        return time.monotonic()


class FrozenClock:
    """A clock that moves only when told to: for snapshot tests and benchmarks of one frame."""

    def __init__(self, now: float = 1_764_130_000.0) -> None:
        self.now = now
        self._start = now

    def time(self) -> float:
        """The frozen wall time."""
        return self.now

    def monotonic(self) -> float:
        """The frozen time, counted from the clock's creation."""
        return self.now - self._start

    def advance(self, seconds: float) -> None:
        """Move both clocks forward."""
        self.now += seconds
