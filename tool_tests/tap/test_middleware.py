"""The tap middleware in-process, against real Unix datagram readers."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import time
from collections.abc import AsyncIterator, Iterator, MutableMapping
from pathlib import Path
from typing import Any

import pytest

from vibecode.tap.channel import TapReader, ensure_tap_dir, reader_sockets, tap_dir_for
from vibecode.tap.events import LagEvent, RequestEvent
from vibecode.tap.middleware import TapMiddleware

Message = MutableMapping[str, Any]


async def hello_app(scope: Message, receive: Any, send: Any) -> None:
    """A raw ASGI app: 200 with a 5-byte body, or an exception on /boom."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            else:
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["path"] == "/boom":
        raise RuntimeError("the app's own bug")
    await send({"type": "http.response.start", "status": 201, "headers": []})
    await send({"type": "http.response.body", "body": b"hel", "more_body": True})
    await send({"type": "http.response.body", "body": b"lo"})


def http_scope(path: str) -> Message:
    return {"type": "http", "method": "POST", "path": path, "client": ("10.0.0.7", 5555)}


@pytest.fixture
async def tapped(tap_dir: Path) -> AsyncIterator[list[TapMiddleware]]:
    """Middlewares created by a test, closed after it (their pump task and socket)."""
    made: list[TapMiddleware] = []
    yield made
    for app in made:
        await app.aclose()


async def call(app: TapMiddleware, path: str) -> list[Message]:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(http_scope(path), receive, send)
    return sent


@pytest.fixture
def tap_dir(tmp_path: Path) -> Iterator[Path]:
    # Under /tmp: short enough for a Unix socket path.
    path = tap_dir_for(tmp_path)
    yield path
    shutil.rmtree(path, ignore_errors=True)


async def test_one_event_per_request_with_every_field(
    tap_dir: Path, tapped: list[TapMiddleware]
) -> None:
    app = TapMiddleware(hello_app, tap_dir=tap_dir, flush_interval=0.01)
    tapped.append(app)
    with TapReader(tap_dir, name="test") as reader:
        sent = await call(app, "/items")
        await asyncio.sleep(0.05)
        events = reader.drain()

    assert b"".join(m.get("body", b"") for m in sent) == b"hello"  # the app's answer, untouched
    requests = [e for e in events if isinstance(e, RequestEvent)]
    assert len(requests) == 1
    event = requests[0]
    assert (event.method, event.path, event.status, event.bytes, event.client, event.pid) == (
        "POST",
        "/items",
        201,
        5,
        "10.0.0.7",
        os.getpid(),
    )
    assert event.ms >= 0
    assert event.t > 1_700_000_000


async def id_app(scope: Message, receive: Any, send: Any) -> None:
    """Answers with the X-Request-ID the course's app sets (step 11 on), on /with-id only."""
    headers = [(b"content-type", b"text/plain")]
    if scope["path"] == "/with-id":
        headers.append((b"x-request-id", b"demo-fail-7"))
    await send({"type": "http.response.start", "status": 500, "headers": headers})
    await send({"type": "http.response.body", "body": b"x"})


async def test_the_answers_request_id_travels_with_its_event(
    tap_dir: Path, tapped: list[TapMiddleware]
) -> None:
    app = TapMiddleware(id_app, tap_dir=tap_dir, flush_interval=0.01)
    tapped.append(app)
    with TapReader(tap_dir, name="test") as reader:
        await call(app, "/with-id")
        await call(app, "/without")
        await asyncio.sleep(0.05)
        events = [e for e in reader.drain() if isinstance(e, RequestEvent)]

    assert [(e.path, e.rid) for e in events] == [
        ("/with-id", "demo-fail-7"),
        ("/without", None),
    ]


async def test_app_errors_pass_through_and_are_reported_as_500(
    tap_dir: Path, tapped: list[TapMiddleware]
) -> None:
    app = TapMiddleware(hello_app, tap_dir=tap_dir, flush_interval=0.01)
    tapped.append(app)
    with TapReader(tap_dir, name="test") as reader:
        with pytest.raises(RuntimeError, match="the app's own bug"):
            await call(app, "/boom")
        await asyncio.sleep(0.05)
        events = [e for e in reader.drain() if isinstance(e, RequestEvent)]

    assert [e.status for e in events] == [500]


async def test_lag_samples_show_a_blocked_loop(tap_dir: Path, tapped: list[TapMiddleware]) -> None:
    app = TapMiddleware(hello_app, tap_dir=tap_dir, flush_interval=0.01, lag_interval=0.02)
    tapped.append(app)
    with TapReader(tap_dir, name="test") as reader:
        await call(app, "/")
        await asyncio.sleep(0.03)
        time.sleep(0.2)  # noqa: ASYNC251 - blocking the loop is the point
        await asyncio.sleep(0.08)
        lags = [e.ms for e in reader.drain() if isinstance(e, LagEvent)]

    assert lags, "no lag sample arrived"
    assert max(lags) >= 150


async def test_without_readers_events_are_dropped_and_memory_is_bounded(
    tap_dir: Path, tapped: list[TapMiddleware]
) -> None:
    app = TapMiddleware(hello_app, tap_dir=tap_dir, flush_interval=60, max_pending=10)
    tapped.append(app)
    for _ in range(50):
        await call(app, "/")
    assert len(app.pending) == 10

    app.flush()  # nobody listens: nothing raises, everything is gone
    assert len(app.pending) == 0


async def test_a_dead_reader_is_forgotten_and_a_full_one_never_blocks(
    tap_dir: Path, tapped: list[TapMiddleware]
) -> None:
    app = TapMiddleware(hello_app, tap_dir=tap_dir, flush_interval=60)
    tapped.append(app)
    await call(app, "/")  # starts the pump's socket
    ensure_tap_dir(tap_dir)
    dead = tap_dir / "dead-1.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as gone:
        gone.bind(str(dead))
    slow = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    slow.bind(str(tap_dir / "slow-1.sock"))
    try:
        for _ in range(200):  # far more than the slow reader's buffer holds
            for _ in range(20):
                await call(app, "/")
            app.flush()
        assert not dead.exists()
        assert reader_sockets(tap_dir) == [str(tap_dir / "slow-1.sock")]
    finally:
        slow.close()


def test_reader_rejects_a_path_too_long_for_a_socket(tmp_path: Path) -> None:
    from vibecode.errors import VibecodeError

    deep = tmp_path / ("x" * 120)
    with pytest.raises(VibecodeError, match="too long"):
        TapReader(deep, name="watch")


def test_watch_lines_for_requests_and_only_notable_lag() -> None:
    from vibecode.tap.watch import format_event

    request = RequestEvent(t=1764130000.123, method="POST", path="/users/[x]", status=404,
                           ms=12.34, bytes=34, client="10.0.0.2", pid=7)  # fmt: skip
    line = format_event(request)

    assert line is not None
    assert ".123[/]" in line
    assert "[bold]POST  [/]" in line
    assert "/users/\\[x]" in line  # escaped: a path never turns into Rich markup
    assert "[yellow]404[/]" in line
    assert "12.3 ms" in line and "34 B" in line and "10.0.0.2" in line
    assert format_event(LagEvent(t=1.0, ms=3.0, pid=7)) is None
    blocked = format_event(LagEvent(t=1.0, ms=850.0, pid=7))
    assert blocked is not None and "event loop blocked 850 ms" in blocked


def test_watch_columns_line_up_whatever_the_path() -> None:
    from rich.text import Text

    from vibecode.tap.watch import format_event

    def shown(path: str, status: int, ms: float, client: str) -> str:
        event = RequestEvent(
            t=1.5, method="GET", path=path, status=status, ms=ms, bytes=12, client=client, pid=4242
        )
        line = format_event(event)
        assert line is not None
        return Text.from_markup(line).plain

    lines = [
        shown("/health", 200, 1.2, "127.0.0.1"),
        shown("/demo/blocking-sleep?ms=50", 500, 1234.5, "-"),
        shown("/", 404, 12.0, "192.168.100.200"),
    ]
    # Every column but the last starts at the same place on every line.
    for marker in (" ms ", " B ", "pid "):
        assert len({line.index(marker) for line in lines}) == 1, (marker, lines)
    assert len({line.index("/") for line in lines}) == 1, lines


async def test_paths_with_quotes_and_unicode_arrive_intact(
    tap_dir: Path, tapped: list[TapMiddleware]
) -> None:
    app = TapMiddleware(hello_app, tap_dir=tap_dir, flush_interval=0.01)
    tapped.append(app)
    odd = '/posts/"é\\\n'
    with TapReader(tap_dir, name="test") as reader:
        await call(app, odd)
        await asyncio.sleep(0.05)
        events = [e for e in reader.drain() if isinstance(e, RequestEvent)]

    assert [e.path for e in events] == [odd]
