"""The load generator watches its own CPU: a saturated client measures itself, not the server."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

CpuClock = Callable[[], float]
"""Seconds this process has been busy (see `busy_seconds`); replaceable in tests."""

SATURATED = 0.9
"""Fraction of one core above which the figures are bounded by the client."""


def busy_seconds() -> float:
    """CPU used plus time spent runnable but waiting for a CPU, summed over this process's threads.

    CPU time alone under-reads a saturated generator on a busy machine: it shares the cores
    with the server it loads, so it often waits for a CPU it needs. The scheduler's run-queue
    delay (/proc/<pid>/task/<tid>/schedstat) counts that wait; without it, process CPU time.
    """
    total = 0
    try:
        with os.scandir("/proc/self/task") as entries:
            for entry in entries:
                try:
                    with open(f"{entry.path}/schedstat", encoding="ascii") as file:
                        running, waiting, _ = file.read().split()
                except (OSError, ValueError):
                    continue  # a thread that just ended
                total += int(running) + int(waiting)
    except OSError:
        return time.process_time()
    return total / 1e9 if total else time.process_time()


class CpuWatch:
    """How busy this process was between `start()` and `stop()`, as a fraction of one core."""

    def __init__(
        self,
        *,
        cpu_clock: CpuClock = busy_seconds,
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
        """Busy seconds per wall second since `start()`; None for a window too short to tell."""
        wall = self._wall_clock() - self._wall0
        if wall < 0.05:
            return None
        return max(0.0, (self._cpu_clock() - self._cpu0) / wall)


def is_client_bound(cpu_fraction: float | None) -> bool:
    """Whether a generator process used (nearly) a whole core, so the figures are the client's."""
    return cpu_fraction is not None and cpu_fraction >= SATURATED
