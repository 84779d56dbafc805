"""The load generator against fake servers with known behaviour."""

from __future__ import annotations

import json
import threading
import time

import pytest

from tool_tests.bench.bench_kit import FakeServer, RawServer, count_at_least
from vibecode.bench.config import LoadConfig
from vibecode.bench.loadgen import run_load
from vibecode.bench.result import LoadResult, Progress
from vibecode.bench.stats import summarize


def test_fixed_delays_give_the_expected_percentiles(server: FakeServer, client: str) -> None:
    # Every tenth request takes 100 ms, the others 10 ms.
    config = LoadConfig(
        url=f"{server.url}/mixed?seq=${{seq}}", concurrency=5, requests=100, client=client
    )
    summary = summarize(run_load(config))
    latency = summary["latency_ms"]
    assert summary["requests"] == 100
    # Lower bounds are exact (a delay cannot be shorter); upper bounds leave room for a
    # machine shared with other work.
    assert 10 <= latency["p50"] < 50
    assert 100 <= latency["p99"] < 500
    assert 100 <= latency["max"] < 1000  # one stall of a loaded machine (318 ms seen at load 12)


def test_a_request_count_is_exact_and_every_request_is_accounted_for(server: FakeServer) -> None:
    result = run_load(LoadConfig(url=f"{server.url}/ok", concurrency=4, requests=37))
    assert result.sent == 37
    assert result.completed == 37
    assert result.in_flight == 0 and result.failed == 0
    assert result.status == {200: 37}
    assert server.seen.hits == 37


def test_warm_up_requests_reach_the_server_but_not_the_figures(server: FakeServer) -> None:
    config = LoadConfig(url=f"{server.url}/delay?ms=20", concurrency=4, requests=40, warmup=0.3)
    result = run_load(config)
    assert result.warmup_requests >= 4
    # Requests sent during the warm-up but answered after it are counted: none is lost.
    assert result.sent == result.completed == 40 + result.carried
    assert 0 <= result.carried <= 4
    assert server.seen.hits == result.sent + result.warmup_requests


def test_requests_straddling_the_warm_up_are_counted(server: FakeServer) -> None:
    # 400 ms answers, 0.2 s of warm-up, 0.5 s window: the first wave is sent during the
    # warm-up and answered inside the window; the second is answered after the deadline.
    # Both are in the latencies: only requests that came and went in the warm-up are not.
    config = LoadConfig(url=f"{server.url}/delay?ms=400", concurrency=4, duration=0.5, warmup=0.2)
    result = run_load(config)
    assert result.warmup_requests == 0
    assert result.carried == 4
    assert result.answered_in_window == 4
    assert result.in_flight == 4
    assert result.sent == result.completed == 8
    assert result.histogram.get_min_value() >= 400_000


def test_requests_waiting_at_the_deadline_are_waited_for_and_counted(server: FakeServer) -> None:
    # 300 ms answers in a 0.5 s run: the second wave is still waiting when time is up.
    config = LoadConfig(url=f"{server.url}/delay?ms=300", concurrency=4, duration=0.5)
    result = run_load(config)
    assert result.duration_s == pytest.approx(0.5, abs=0.05)
    assert result.answered_in_window == 4  # throughput: the answers inside the window
    assert result.in_flight == 4
    # The second wave started at about 0.3 s and was still waiting at 0.5 s.
    assert result.oldest_in_flight_ms == pytest.approx(200, abs=60)
    # Its answers came after the deadline: in the latencies all the same, nothing left out.
    assert result.completed == 8
    assert result.sent == result.completed + result.failed + result.unfinished
    assert result.unfinished == 0
    assert result.histogram.get_min_value() >= 300_000
    assert server.seen.finished == server.seen.hits == 8


def test_seq_headers_and_json_body_reach_the_server(server: FakeServer, client: str) -> None:
    config = LoadConfig(
        client=client,
        url=f"{server.url}/echo?n=${{seq}}",
        method="POST",
        headers={"X-Token": "abc"},
        json={"email": "user-${seq}@example.com", "n": 1},
        concurrency=1,
        requests=3,
    )
    run_load(config)
    assert [json.loads(body)["email"] for body in server.seen.bodies] == [
        "user-1@example.com",
        "user-2@example.com",
        "user-3@example.com",
    ]
    assert server.seen.paths == ["/echo?n=1", "/echo?n=2", "/echo?n=3"]
    assert all(h["X-Token"] == "abc" for h in server.seen.headers)
    assert all(h["Content-Type"] == "application/json" for h in server.seen.headers)


def test_statuses_are_counted_by_code(server: FakeServer) -> None:
    result = run_load(LoadConfig(url=f"{server.url}/status/503", concurrency=2, requests=10))
    assert result.status == {503: 10}
    assert result.failed == 0


def test_connection_refused_counts_as_connect(refused_url: str, client: str) -> None:
    result = run_load(LoadConfig(url=refused_url, concurrency=2, requests=6, client=client))
    assert result.errors == {"connect": 6}
    assert result.completed == 0
    assert "connect" in result.error_samples


def test_a_reset_connection_counts_as_reset(reset_server: RawServer, client: str) -> None:
    result = run_load(LoadConfig(url=reset_server.url, concurrency=2, requests=6, client=client))
    assert result.errors == {"reset": 6}
    assert result.sent == 6


def test_a_silent_server_counts_as_timeout(silent_server: RawServer, client: str) -> None:
    config = LoadConfig(
        url=silent_server.url, concurrency=3, requests=3, timeout=0.3, client=client
    )
    result = run_load(config)
    assert result.errors == {"timeout": 3}
    assert result.in_flight == 0


def test_open_loop_counts_latency_from_when_each_request_was_due(
    server: FakeServer, client: str
) -> None:
    # 100 req/s; the 30th request blocks the server for 500 ms. About 50 requests fall due
    # during the stall: each must show the wait, not only the one that caused it.
    config = LoadConfig(
        url=f"{server.url}/stall?at=30&ms=500",
        rate=100,
        concurrency=64,
        duration=1.5,
        client=client,
    )
    result = run_load(config)
    assert result.failed == 0
    assert result.completed >= 120
    assert result.oldest_in_flight_ms is None or result.oldest_in_flight_ms < 100
    assert count_at_least(result.histogram, 100_000) >= 30
    assert result.histogram.get_max_value() >= 450_000


def test_a_closed_loop_hides_the_same_stall_in_one_request(server: FakeServer) -> None:
    # The contrast that motivates --rate: one worker waits, then reports one slow request.
    config = LoadConfig(url=f"{server.url}/stall?at=30&ms=500", concurrency=1, requests=80)
    result = run_load(config)
    assert count_at_least(result.histogram, 100_000) == 1


def test_a_stop_signal_ends_the_run_with_the_results_so_far(server: FakeServer) -> None:
    stop = threading.Event()
    threading.Timer(0.6, stop.set).start()
    started = time.monotonic()
    result = run_load(
        LoadConfig(url=f"{server.url}/delay?ms=20", concurrency=4, duration=30), stop=stop
    )
    assert time.monotonic() - started < 3
    assert result.stopped_early
    assert result.completed > 10
    assert result.duration_s < 3


def test_progress_is_reported_about_four_times_a_second(server: FakeServer) -> None:
    seen: list[Progress] = []
    config = LoadConfig(url=f"{server.url}/delay?ms=5", concurrency=2, duration=1.0)
    result = run_load(config, on_progress=seen.append)
    running = [p for p in seen if not p.draining]
    assert 3 <= len(running) <= 6
    assert running[-1].completed <= result.completed
    assert running[-1].rps > 0


@pytest.mark.e2e
def test_processes_merge_their_counts_and_histograms(server: FakeServer) -> None:
    config = LoadConfig(url=f"{server.url}/delay?ms=5", concurrency=4, requests=41, processes=2)
    # From a worker thread, as the dashboard runs it (no signal handlers there).
    results: list[LoadResult] = []
    runner = threading.Thread(target=lambda: results.append(run_load(config)))
    runner.start()
    runner.join(60)
    [result] = results
    assert result.sent == 41
    assert result.completed == 41
    assert result.histogram.get_total_count() == 41
    assert result.status == {200: 41}
    assert server.seen.hits == 41


def test_the_fast_client_keeps_connections_alive(server: FakeServer) -> None:
    result = run_load(LoadConfig(url=f"{server.url}/ok", concurrency=3, requests=60))
    assert result.status == {200: 60}
    assert len(server.seen.peers) == 3


def test_the_fast_client_reconnects_when_the_server_says_close(server: FakeServer) -> None:
    result = run_load(LoadConfig(url=f"{server.url}/close", concurrency=2, requests=20))
    assert result.status == {200: 20}
    assert result.failed == 0


def test_the_fast_client_survives_idle_connections_closed_by_the_server(
    impatient_server: FakeServer,
) -> None:
    # 5 req/s on one connection, the server drops connections idle for 0.1 s: every request
    # finds its connection closed, and none may count as an error.
    config = LoadConfig(url=f"{impatient_server.url}/ok", rate=5, concurrency=1, duration=1.0)
    result = run_load(config)
    assert result.failed == 0
    assert result.completed >= 4


def test_the_fast_client_reads_chunked_bodies_and_head_answers(server: FakeServer) -> None:
    chunked = run_load(LoadConfig(url=f"{server.url}/chunked", concurrency=2, requests=6))
    assert chunked.status == {200: 6}
    assert chunked.histogram.get_min_value() >= 15_000  # three 5 ms pauses between chunks
    head = run_load(LoadConfig(url=f"{server.url}/ok", method="HEAD", concurrency=2, requests=6))
    assert head.status == {200: 6}
    assert head.failed == 0


def test_a_connection_closed_after_its_answer_is_not_an_error(
    hang_up_server: RawServer, client: str
) -> None:
    # The next request goes out on a connection the server has just closed: it is sent again
    # on a new connection (nothing of its answer had arrived), not counted as a reset.
    config = LoadConfig(url=hang_up_server.url, concurrency=2, requests=12, client=client)
    result = run_load(config)
    assert result.status == {200: 12}
    assert result.failed == 0
