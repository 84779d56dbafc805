"""The progress snapshots carry what the clients wait, for the dashboard's live bench view."""

from __future__ import annotations

from tool_tests.bench.bench_kit import FakeServer
from vibecode.bench.config import LoadConfig
from vibecode.bench.loadgen import run_load
from vibecode.bench.result import LATENCY_BOUNDS_MS, Progress


def test_snapshots_carry_client_latency_statuses_and_a_filling_histogram(
    server: FakeServer, client: str
) -> None:
    seen: list[Progress] = []
    config = LoadConfig(
        url=f"{server.url}/delay?ms=300", concurrency=4, duration=1.2, warmup=0.0, client=client
    )
    result = run_load(config, on_progress=seen.append)
    running = [p for p in seen if not p.draining and p.p50_ms is not None]
    assert running, seen
    last = running[-1]
    # Every answer took at least 300 ms: the clients' wait, not the app's 0 ms of CPU.
    assert last.p50_ms is not None and last.p50_ms >= 300
    assert last.p99_ms is not None and last.p99_ms >= last.p50_ms
    assert dict(last.status) == {200: last.completed}
    assert len(last.latency_counts) == len(LATENCY_BOUNDS_MS) + 1
    assert sum(last.latency_counts) == last.completed
    slot = next(i for i, bound in enumerate(LATENCY_BOUNDS_MS) if bound >= 300)
    assert last.latency_counts[slot] == last.completed  # all in the 200-500 ms bucket
    # The histogram fills in: counts never go down from one snapshot to the next.
    totals = [sum(p.latency_counts) for p in running]
    assert totals == sorted(totals)
    # Four clients always wait on a 300 ms answer: the oldest wait is known and bounded.
    waits = [p.oldest_wait_ms for p in running if p.oldest_wait_ms is not None]
    assert waits and all(0 <= w < 2_000 for w in waits)
    assert result.completed >= last.completed


def test_a_blocked_server_shows_the_queue_in_the_oldest_wait(server: FakeServer) -> None:
    seen: list[Progress] = []
    # The first request holds the server's loop for 1.5 s: nothing is answered meanwhile.
    config = LoadConfig(
        url=f"{server.url}/stall?at=1&ms=1500", concurrency=2, duration=0.8, warmup=0.0, timeout=5
    )
    run_load(config, on_progress=seen.append)
    running = [p for p in seen if not p.draining]
    waits = [p.oldest_wait_ms for p in running if p.oldest_wait_ms is not None]
    # The oldest request's wait grows with the run: the queue time the tap cannot see.
    assert waits and max(waits) >= 500
    assert waits == sorted(waits)
    assert all(p.p50_ms is None for p in running)
