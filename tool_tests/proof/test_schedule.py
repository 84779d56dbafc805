"""Steps on every core: each worker its own slot, benchmark steps alone, results by number."""

from __future__ import annotations

import threading
import time

from vibecode.proof.schedule import run_steps


def test_every_step_runs_once_and_results_come_back_in_order() -> None:
    seen: list[int] = []

    def work(n: int, w: object) -> int:
        seen.append(n)
        return n * 10

    results = run_steps([1, 2, 3, 4, 5], jobs=2, work=work)
    assert results == {1: 10, 2: 20, 3: 30, 4: 40, 5: 50}
    assert list(results) == [1, 2, 3, 4, 5]
    assert sorted(seen) == [1, 2, 3, 4, 5]


def test_two_workers_overlap_and_an_exclusive_step_runs_alone() -> None:
    lock = threading.Lock()
    running: set[int] = set()
    overlaps: list[frozenset[int]] = []

    def work(number: int, worker: int) -> int:
        with lock:
            running.add(number)
            overlaps.append(frozenset(running))
        time.sleep(0.05)
        with lock:
            running.discard(number)
        return worker

    workers = run_steps([1, 2, 3, 4, 5], jobs=2, work=work, exclusive=lambda n: n == 3)
    assert any(len(group) == 2 for group in overlaps), "the workers never overlapped"
    assert all(group == {3} for group in overlaps if 3 in group), "step 3 shared the machine"
    assert set(workers.values()) == {0, 1}


def test_one_job_runs_in_order_on_worker_zero() -> None:
    order: list[tuple[int, int]] = []
    run_steps([3, 1, 2], jobs=1, work=lambda n, w: order.append((n, w)))
    assert order == [(3, 0), (1, 0), (2, 0)]
