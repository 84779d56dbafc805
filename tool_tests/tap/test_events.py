"""The tap's one event definition: the wire format both ways, and the one subscription loop."""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from vibecode.tap.channel import TapReader, tap_dir_for
from vibecode.tap.events import (
    LagEvent,
    RequestEvent,
    TapEvent,
    datagram,
    encode_batch,
    encode_request,
    parse_batch,
    parse_event,
)
from vibecode.tap.subscription import Subscription, batches


@pytest.fixture
def tap_dir(tmp_path: Path) -> Iterator[Path]:
    # Under /tmp: a Unix socket path has at most 107 bytes, whatever TMPDIR is.
    path = tap_dir_for(tmp_path)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_encoded_events_parse_back_equal() -> None:
    events: list[TapEvent] = [
        RequestEvent(
            t=1.5,
            method="GET",
            path='/a"é\\',
            status=404,
            ms=2.25,
            bytes=7,
            client="10.0.0.1",
            pid=3,
            rid="4f1c2a9d",
        ),
        RequestEvent(t=2.0, method="POST", path="/b", status=201, ms=0.5),
        LagEvent(t=3.0, ms=12.5, pid=3),
    ]
    assert parse_batch(encode_batch(events)) == events


def test_the_middleware_format_is_plain_json() -> None:
    line = encode_request(
        t=1.0, method="GET", path="/x", status=200, ms=1.0, size=2, client=None, pid=9, rid="r-1"
    )
    assert json.loads(line) == {
        "type": "request", "t": 1.0, "method": "GET", "path": "/x", "status": 200, "ms": 1.0,
        "bytes": 2, "client": None, "pid": 9, "rid": "r-1",
    }  # fmt: skip
    assert parse_batch(datagram([line])) == [
        RequestEvent(t=1.0, method="GET", path="/x", status=200, ms=1.0, bytes=2, pid=9, rid="r-1")
    ]


def test_malformed_events_are_skipped_never_raised() -> None:
    raw = [
        {"type": "request", "t": "soon"},
        {"type": "request", "t": 1.0, "method": "GET", "path": 7, "status": 200, "ms": 1.0},
        {"type": "lag"},
        {"type": "lag", "t": True, "ms": 1.0},
        {"type": "other", "t": 1.0},
        "not an object",
        {"type": "request", "t": 1.0, "method": "GET", "path": "/ok", "status": 200, "ms": 1.0},
    ]
    assert [parse_event(item) for item in raw[:-1]] == [None] * 6
    assert parse_batch(json.dumps(raw).encode()) == [RequestEvent(1.0, "GET", "/ok", 200, 1.0)]
    assert parse_batch(b"{not json") == []
    assert parse_batch(b'{"type": "lag"}') == []


def test_a_subscription_hands_every_batch_on_and_drains_at_stop(tap_dir: Path) -> None:
    import socket

    seen: list[TapEvent] = []
    with TapReader(tap_dir, name="test") as reader:
        subscription = Subscription(reader, seen.extend).start()
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender:
            sender.sendto(encode_batch([LagEvent(t=1.0, ms=1.0)]), str(reader.path))
            deadline = time.monotonic() + 5
            while not seen and time.monotonic() < deadline:
                time.sleep(0.01)
            # Sent just before stop: the last drain still delivers it.
            sender.sendto(encode_batch([LagEvent(t=2.0, ms=2.0)]), str(reader.path))
        subscription.stop()
        assert subscription.wait(1.0)
    assert seen == [LagEvent(1.0, 1.0), LagEvent(2.0, 2.0)]


def test_batches_end_when_the_source_is_closed_under_them(tap_dir: Path) -> None:
    reader = TapReader(tap_dir, name="test")
    stop = threading.Event()
    loop = batches(reader, stop=stop, poll=0.01)
    reader.close()
    assert list(loop) == []


def test_what_waits_when_the_subscription_stops_is_still_delivered(tap_dir: Path) -> None:
    import socket

    with TapReader(tap_dir, name="test") as reader:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender:
            sender.sendto(encode_batch([LagEvent(t=2.0, ms=2.0)]), str(reader.path))
        stop = threading.Event()
        stop.set()
        assert list(batches(reader, stop=stop)) == [[LagEvent(2.0, 2.0)]]
