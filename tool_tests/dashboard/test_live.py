"""Per-frame aggregation: the ring buffer, the per-second buckets, the tap's subscription."""

from __future__ import annotations

import time
from pathlib import Path

from vibecode.dashboard.live import WINDOW_SECONDS, EventBuffer, LiveStats, percentiles
from vibecode.tap.channel import TapReader, tap_dir_for
from vibecode.tap.events import LagEvent, RequestEvent, TapEvent, encode_batch
from vibecode.tap.subscription import Subscription

NOW = 1_764_130_000.0


def request(t: float, *, status: int = 200, ms: float = 1.0, path: str = "/") -> RequestEvent:
    return RequestEvent(t=t, method="GET", path=path, status=status, ms=ms)


def path_of(event: TapEvent) -> str:
    assert isinstance(event, RequestEvent)
    return event.path


def test_the_ring_drops_the_oldest_and_counts_them() -> None:
    ring = EventBuffer(capacity=10)
    ring.extend([request(NOW, path=f"/{i}") for i in range(7)])
    ring.extend([request(NOW, path=f"/{i}") for i in range(7, 25)])
    assert (ring.received, ring.dropped) == (25, 15)
    assert [path_of(e) for e in ring.take()] == [f"/{i}" for i in range(15, 25)]
    assert ring.take() == []


def test_percentiles_nearest_rank() -> None:
    assert percentiles([]) == (None, None)
    assert percentiles([float(v) for v in range(1, 101)]) == (50.0, 99.0)
    assert percentiles([float(v) for v in range(1, 1001)]) == (500.0, 990.0)
    assert percentiles([5.0]) == (5.0, 5.0)


def test_a_frame_has_one_value_per_second_of_the_last_minute() -> None:
    stats = LiveStats(max_rows=3)
    stats.add([request(NOW - 2 + i / 10, ms=float(i)) for i in range(10)])  # 10 in second -2
    stats.add([request(NOW - 1 + i / 20, ms=100.0, status=503) for i in range(20)])  # second -1
    stats.add([request(NOW + 0.5)])  # the current second is not complete: not in the series
    stats.add([LagEvent(t=NOW - 1, ms=250.0), LagEvent(t=NOW, ms=1.5)])
    frame = stats.frame(NOW + 0.7)
    assert len(frame.rps) == len(frame.p50) == len(frame.p99) == WINDOW_SECONDS
    assert frame.rps[-2:] == (10.0, 20.0)
    assert frame.rps_now == 20.0 and frame.p50_now == 100.0
    assert frame.p50[-2] == 4.0  # nearest rank: the 5th of 0..9
    assert frame.statuses == {"2xx": 11, "3xx": 0, "4xx": 0, "5xx": 20}
    assert (frame.lag_ms, frame.lag_peak_ms) == (1.5, 250.0)
    assert [row.t for row in frame.rows] == [NOW + 0.5, NOW - 1 + 19 / 20, NOW - 1 + 18 / 20]
    assert frame.rows_changed and not stats.frame(NOW + 0.8).rows_changed
    later = stats.frame(NOW + WINDOW_SECONDS + 5)
    assert sum(later.rps) == 0 and later.total == 31


def test_late_events_for_a_closed_second_still_count() -> None:
    stats = LiveStats()
    stats.add([request(NOW - 1, ms=1.0)])
    assert stats.frame(NOW).p99_now == 1.0
    stats.add([request(NOW - 1 + 0.9, ms=9.0)])
    frame = stats.frame(NOW + 0.2)
    assert frame.rps_now == 2.0 and frame.p99_now == 9.0


def test_the_subscription_moves_datagrams_from_a_real_tap_into_the_ring(tmp_path: Path) -> None:
    import socket

    ring = EventBuffer()
    tap_dir = tap_dir_for(tmp_path)  # under /tmp: a socket path has at most 107 bytes
    with TapReader(tap_dir, name="test") as reader:
        pump = Subscription(reader, ring.extend).start()
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender:
            for batch in range(3):
                events: list[TapEvent] = [request(NOW, path=f"/{batch}/{i}") for i in range(100)]
                sender.sendto(encode_batch(events), str(reader.path))
        deadline = time.monotonic() + 5
        while ring.received < 300 and time.monotonic() < deadline:
            time.sleep(0.01)
        pump.stop()
    tap_dir.rmdir()  # the reader removed its socket when it closed
    assert ring.received == 300 and ring.dropped == 0
    assert path_of(ring.take()[-1]) == "/2/99"
