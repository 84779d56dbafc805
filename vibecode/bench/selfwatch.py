"""The load generator watches its own CPU: a saturated client measures itself, not the server."""

from __future__ import annotations

import time
from collections.abc import Callable

CpuClock = Callable[[], float]
"""Seconds of CPU this process has used (`time.process_time`); replaceable in tests."""

SATURATED = 0.85
"""Fraction of one core above which the figures are bounded by the client. A saturated event
loop that shares the machine with the server it loads rarely reads a full 100 %."""


class CpuWatch:
    """Measures this process's CPU use between `start()` and `stop()` as a fraction of one core."""

    def __init__(
        self,
        *,
        cpu_clock: CpuClock = time.process_time,
        wall_clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self._cpu_clock = cpu_clock
        self._wall_clock = wall_clock
        self._cpu0 = 0.0
        self._wall0 = 0.0

    def start(self) -> None:
        """Mark the beginning of the measured window."""
        self._cpu0 = self._cpu_clock()
        self._wall0 = self._wall_clock()

    def stop(self) -> float | None:
        """CPU used since `start()` per second of wall time; None for a window too short to tell."""
        wall = self._wall_clock() - self._wall0
        if wall < 0.05:
            return None
        return max(0.0, (self._cpu_clock() - self._cpu0) / wall)


def is_client_bound(cpu_fraction: float | None) -> bool:
    """Whether a generator process used (nearly) a whole core, so the figures are the client's."""
    return cpu_fraction is not None and cpu_fraction >= SATURATED
