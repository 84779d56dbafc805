"""The probe: samples due on a fixed schedule inside the load's window, overlapping, latency
counted from each sample's due time; a fake fetch stands in for HTTP."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest

from tool_tests.bench.bench_kit import FakeServer
from vibecode.bench.config import LoadConfig
from vibecode.bench.measure import measure
from vibecode.bench.probe import MIN_SAMPLES, TARGET_SAMPLES, Probe, ProbeResult, interval_for


def sample(probe: Probe, seconds: float) -> ProbeResult:
    """Run `probe` over a window of `seconds` that opens now, as a load run would."""
    probe.start().open_window(time.perf_counter(), seconds)
    time.sleep(seconds)
    return probe.stop()


def test_samples_overlap_when_answers_are_slow() -> None:
    # A server that takes 0.3 s per answer: a probe that waits for each answer before sending
    # the next gets 2 samples in 0.5 s; on a schedule every sample is sent when due.
    sent: list[float] = []

    async def slow(url: str) -> int:
        sent.append(time.perf_counter())
        await asyncio.sleep(0.3)
        return 200

    result = sample(Probe("http://127.0.0.1:1/health", interval=0.02, fetcher=slow), 0.5)

    assert len(result.latencies_ms) == 25
    assert min(result.latencies_ms) >= 290
    assert max(b - a for a, b in itertools.pairwise(sent)) < 0.25  # none waited 0.3 s


def test_latency_counts_from_when_a_sample_was_due() -> None:
    # The first fetch holds the probe's own loop for 0.3 s (as a busy process would): the
    # samples due meanwhile go out late, and their lateness is part of their latency.
    calls = 0

    async def stalls_once(url: str) -> int:
        nonlocal calls
        calls += 1
        if calls == 1:
            time.sleep(0.3)  # noqa: ASYNC251 - the stall is the point of the test
        return 200

    result = sample(Probe("http://127.0.0.1:1/health", interval=0.05, fetcher=stalls_once), 0.5)

    assert len(result.latencies_ms) == 10
    late = sorted(result.latencies_ms)[-3:]
    assert min(late) >= 150, result.latencies_ms  # counted from the send, they would be ~0


def test_samples_are_due_only_inside_the_window() -> None:
    sent: list[float] = []

    async def quick(url: str) -> int:
        sent.append(time.perf_counter())
        return 200

    probe = Probe("http://127.0.0.1:1/health", fetcher=quick).start()
    time.sleep(0.2)  # the warm-up: the window is not open yet
    begin = time.perf_counter() + 0.1
    probe.open_window(begin, 0.5)
    time.sleep(0.8)  # the drain after the deadline: no samples either
    result = probe.stop()

    assert len(result.latencies_ms) == TARGET_SAMPLES  # 0.5 s window: every 20 ms
    assert min(sent) >= begin
    assert max(sent) < begin + 0.5 + 0.3  # (sent a little late on a busy machine)


def test_a_measured_run_probes_only_its_window(server: FakeServer) -> None:
    # The load generator opens the probe's window: nothing during the warm-up or the drain.
    config = LoadConfig(url=f"{server.url}/delay?ms=5", concurrency=2, duration=0.5, warmup=0.3)
    started = time.perf_counter()
    measurement = measure(config, probe_url=f"{server.url}/health")
    finished = time.perf_counter()

    assert measurement.probe is not None
    assert len(measurement.probe.latencies_ms) == TARGET_SAMPLES
    assert len(server.seen.health_at) == TARGET_SAMPLES
    assert min(server.seen.health_at) >= started + 0.3
    # Spread over the window (0.5 s), not over the warm-up too (0.8 s).
    assert max(server.seen.health_at) - min(server.seen.health_at) < 0.7
    assert max(server.seen.health_at) < finished


def test_every_window_gets_enough_samples() -> None:
    assert interval_for(5.0) == pytest.approx(0.2)
    assert interval_for(2.0) == pytest.approx(2.0 / TARGET_SAMPLES)
    assert interval_for(None) == pytest.approx(0.2)
    assert TARGET_SAMPLES >= MIN_SAMPLES


def test_failures_are_counted_by_kind_and_a_timeout_ranks_as_the_slowest() -> None:
    async def flaky(url: str) -> int:
        raise ConnectionRefusedError

    probe = Probe("http://127.0.0.1:1/health", interval=0.05, fetcher=flaky)
    assert sample(probe, 0.2).errors == {"connect": 4}

    timed_out = ProbeResult("/health", (5.0,) * 9, errors={"timeout": 1}, timeout_s=10.0)
    summary = timed_out.summary()
    assert summary["samples"] == 10
    assert summary["enough"] is True
    assert summary["max"] == 10_000.0


def test_too_few_samples_are_not_enough() -> None:
    summary = ProbeResult("/health", (3000.0, 3100.0, 2900.0)).summary()
    assert (summary["samples"], summary["enough"]) == (3, False)


def test_stop_without_waiting_returns_at_once() -> None:
    async def hangs(url: str) -> int:
        await asyncio.sleep(30)
        return 200

    probe = Probe("http://127.0.0.1:1/health", interval=0.05, fetcher=hangs).start()
    probe.open_window(time.perf_counter(), 5.0)
    time.sleep(0.2)
    started = time.perf_counter()
    result = probe.stop(wait=False)
    assert time.perf_counter() - started < 1.0
    assert result.latencies_ms == ()


def test_a_probe_whose_window_never_opened_stops_cleanly() -> None:
    probe = Probe("http://127.0.0.1:1/health").start()
    assert probe.stop() == ProbeResult("/health", (), {}, 10.0)
