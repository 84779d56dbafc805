"""The generator watches its own CPU and says when the figures are the client's."""

from __future__ import annotations

import threading
import time

import pytest

from tool_tests.bench.bench_kit import FakeServer
from vibecode.bench.config import LoadConfig
from vibecode.bench.loadgen import run_load
from vibecode.bench.selfwatch import SATURATED, CpuWatch, is_client_bound


@pytest.mark.parametrize(
    ("fraction", "bound"), [(None, False), (0.2, False), (SATURATED - 0.01, False), (0.97, True)]
)
def test_the_decision(fraction: float | None, bound: bool) -> None:
    assert is_client_bound(fraction) is bound


def test_cpu_watch_reads_the_clocks_it_is_given() -> None:
    cpu, wall = iter([10.0, 10.9]), iter([100.0, 101.0])
    watch = CpuWatch(cpu_clock=lambda: next(cpu), wall_clock=lambda: next(wall))
    watch.start()
    assert watch.stop() == pytest.approx(0.9)


def test_a_run_whose_cpu_clock_reads_a_full_core_is_client_bound(server: FakeServer) -> None:
    config = LoadConfig(url=f"{server.url}/delay?ms=5", concurrency=2, duration=0.4)
    # One CPU second per wall second: the generator had no headroom.
    saturated = run_load(config, cpu_clock=time.perf_counter)
    assert saturated.client_bound
    assert saturated.cpu_fraction == pytest.approx(1.0, abs=0.05)
    idle = run_load(config, cpu_clock=lambda: 0.0)
    assert not idle.client_bound
    assert idle.cpu_fraction == 0.0


@pytest.mark.e2e
def test_a_real_busy_generator_process_reports_itself(server: FakeServer) -> None:
    # A thread spinning in the generator's process takes the core the event loop needs: the
    # real reading (CPU used + run-queue wait) must flag the run.
    done = threading.Event()

    def spin() -> None:
        while not done.is_set():
            sum(range(1000))

    spinner = threading.Thread(target=spin, daemon=True)
    spinner.start()
    try:
        result = run_load(LoadConfig(url=f"{server.url}/delay?ms=5", concurrency=2, duration=0.8))
    finally:
        done.set()
        spinner.join()
    assert result.cpu_fraction is not None and result.cpu_fraction >= SATURATED
    assert result.client_bound
