"""Fake servers with known behaviour, and helpers, for the benchmark's tests."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from vibecode.bench.measure import Measurement


@dataclass
class Seen:
    """What the fake server saw, for assertions."""

    hits: int = 0
    finished: int = 0
    stall_count: int = 0
    bodies: list[bytes] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    authorized: int = 0
    peers: set[int] = field(default_factory=set)
    """Client ports seen: one per connection the client opened."""
    health_at: list[float] = field(default_factory=list)
    """When each /health request arrived (`time.perf_counter()`)."""


def build_app(seen: Seen) -> web.Application:
    """Endpoints with fixed, known behaviour."""

    async def ok(request: web.Request) -> web.Response:
        seen.hits += 1
        peer = request.transport.get_extra_info("peername") if request.transport else None
        if peer:
            seen.peers.add(peer[1])
        return web.Response(text="ok")

    async def health(request: web.Request) -> web.Response:
        seen.health_at.append(time.perf_counter())
        return web.Response(text="ok")

    async def close(request: web.Request) -> web.Response:
        seen.hits += 1
        return web.Response(text="bye", headers={"Connection": "close"})

    async def chunked(request: web.Request) -> web.StreamResponse:
        seen.hits += 1
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        for part in (b"one ", b"two ", b"three"):
            await response.write(part)
            await asyncio.sleep(0.005)
        await response.write_eof()
        return response

    async def delay(request: web.Request) -> web.Response:
        seen.hits += 1
        await asyncio.sleep(int(request.query["ms"]) / 1000)
        seen.finished += 1
        return web.Response(text="slow")

    async def mixed(request: web.Request) -> web.Response:
        # Every tenth request (by the client's ${seq}) takes 100 ms, the others 10 ms.
        seen.hits += 1
        seq = int(request.query["seq"])
        await asyncio.sleep(0.1 if seq % 10 == 0 else 0.01)
        return web.Response(text="mixed")

    async def stall(request: web.Request) -> web.Response:
        # The `at`-th request blocks the whole server for `ms` (time.sleep holds its loop).
        seen.stall_count += 1
        if seen.stall_count == int(request.query["at"]):
            time.sleep(int(request.query["ms"]) / 1000)  # noqa: ASYNC251 - the point of the test
        return web.Response(text="stall")

    async def status(request: web.Request) -> web.Response:
        seen.hits += 1
        return web.Response(status=int(request.match_info["code"]))

    async def echo(request: web.Request) -> web.Response:
        seen.hits += 1
        seen.bodies.append(await request.read())
        seen.headers.append(dict(request.headers))
        seen.paths.append(request.path_qs)
        return web.json_response({"ok": True})

    async def login(request: web.Request) -> web.Response:
        return web.json_response({"access_token": "s3cret"}, status=200)

    async def private(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != "Bearer s3cret":
            return web.Response(status=401)
        seen.authorized += 1
        return web.Response(text="private")

    app = web.Application()
    app.router.add_get("/ok", ok)
    app.router.add_get("/health", health)
    app.router.add_get("/close", close)
    app.router.add_get("/chunked", chunked)
    app.router.add_get("/delay", delay)
    app.router.add_get("/mixed", mixed)
    app.router.add_get("/stall", stall)
    app.router.add_get("/status/{code}", status)
    app.router.add_route("*", "/echo", echo)
    app.router.add_post("/login", login)
    app.router.add_get("/private", private)
    return app


@dataclass
class FakeServer:
    """An aiohttp server running in a thread of the test process."""

    url: str
    seen: Seen


class RawServer:
    """A TCP server that misbehaves: resets connections, or never answers."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.held: list[socket.socket] = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def _run(self) -> None:
        while not self.done.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            if self.mode == "once":
                # Answers one request as if keeping the connection alive, then hangs up.
                with contextlib.suppress(OSError):
                    connection.recv(65536)
                    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                connection.close()
            elif self.mode == "reset":
                with contextlib.suppress(OSError):
                    connection.recv(65536)
                # SO_LINGER 0: close() sends a RST instead of a FIN.
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                connection.close()
            else:
                self.held.append(connection)

    def close(self) -> None:
        self.done.set()
        self.thread.join(5)
        for connection in self.held:
            connection.close()
        self.listener.close()


def count_at_least(histogram: Any, micros: int) -> int:
    """How many recorded latencies are at least `micros`."""
    return sum(
        item.count_at_value_iterated_to
        for item in histogram.get_recorded_iterator()
        if item.value_iterated_to >= micros
    )


def cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run `python -m vibecode bench ...` as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "vibecode", "bench", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {}), "COLUMNS": "100"},
        check=False,
    )


def side(label: str, latency_ms: float, answered: int, **changes: Any) -> Measurement:
    """A measured side of a comparison: `answered` requests of `latency_ms` each in one second
    (`changes` replace any of the result's fields)."""
    from vibecode.bench import stats
    from vibecode.bench.config import LoadConfig
    from vibecode.bench.measure import Measurement
    from vibecode.bench.result import LoadResult

    histogram = stats.new_histogram()
    stats.record_all(histogram, [int(latency_ms * 1000)] * answered)
    fields: dict[str, Any] = {
        "config": LoadConfig(url=f"http://127.0.0.1:1/{label}", concurrency=50, duration=1.0),
        "histogram": histogram,
        "duration_s": 1.0,
        "sent": answered,
        "answered_in_window": answered,
        "status": {200: answered},
    }
    fields.update(changes)
    return Measurement(label=label, result=LoadResult(**fields))
