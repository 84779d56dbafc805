"""Run independent steps on every core: each worker has its own workspace and database.

A step that runs benchmarks runs alone (`exclusive`): its figures are meant to measure the
server, not the other worker's test run. Those go first, then the rest, longest first.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def default_jobs() -> int:
    """One worker per core the process may use (at least one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class _Gate:
    """Shared runs at once, exclusive runs alone."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._active = 0
        self._alone = False

    def enter(self, exclusive: bool) -> None:
        with self._condition:
            self._condition.wait_for(lambda: self._active == 0 if exclusive else not self._alone)
            self._active += 1
            self._alone = exclusive

    def leave(self) -> None:
        with self._condition:
            self._active -= 1
            self._alone = False
            self._condition.notify_all()


def run_steps(
    numbers: Sequence[int],
    *,
    jobs: int,
    work: Callable[[int, int], T],
    exclusive: Callable[[int], bool] = lambda number: False,
) -> dict[int, T]:
    """`work(number, worker)` for every number, `jobs` at a time; results by number.

    `worker` (0..jobs-1) names the worker's own workspace and database. Exclusive steps run
    first, one at a time, then the others, the latest steps (the most tests) first.
    """
    if jobs <= 1 or len(numbers) <= 1:
        return {number: work(number, 0) for number in numbers}
    order = sorted(numbers, key=lambda n: (not exclusive(n), -n))
    pending = list(order)
    lock = threading.Lock()
    gate = _Gate()
    results: dict[int, T] = {}

    def worker(index: int) -> None:
        while True:
            with lock:
                if not pending:
                    return
                number = pending.pop(0)
            alone = exclusive(number)
            gate.enter(alone)
            try:
                results[number] = work(number, index)
            finally:
                gate.leave()

    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="vibecode-proof") as pool:
        for future in [pool.submit(worker, index) for index in range(jobs)]:
            future.result()
    return {number: results[number] for number in numbers}
