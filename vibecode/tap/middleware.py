"""A pure ASGI middleware that reports every request, and the event loop's lag, to the tap.

The cost per request is an append to a bounded in-memory batch; a background task flushes the
batch every 50 ms with non-blocking datagram sends. When nobody listens, a reader is slow or
dead, events are dropped: the app never waits for the tap and never sees its errors.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from json.encoder import encode_basestring_ascii as quote
from pathlib import Path
from typing import Any

from vibecode.tap.channel import reader_sockets
from vibecode.tap.events import REQUEST_FORMAT, datagram, encode_lag

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

FLUSH_INTERVAL = 0.05
LAG_INTERVAL = 0.25
MAX_PENDING = 10_000
EVENTS_PER_DATAGRAM = 400
REQUEST_ID = b"x-request-id"
"""The answer's request id (the app's header, when it sets one), carried to the dashboard."""


class TapMiddleware:
    """Wraps an ASGI app and emits one `request` event per HTTP request plus `lag` samples."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        tap_dir: Path | str,
        flush_interval: float = FLUSH_INTERVAL,
        lag_interval: float = LAG_INTERVAL,
        max_pending: int = MAX_PENDING,
    ) -> None:
        self.app = app
        self.tap_dir = Path(tap_dir)
        self.flush_interval = flush_interval
        self.lag_interval = lag_interval
        # A request is a tuple until the flush encodes it; a lag sample is encoded at once.
        self.pending: deque[tuple[Any, ...] | str] = deque(maxlen=max_pending)
        # perf_counter() + offset = wall-clock time, without a second clock call per request.
        self._clock_offset = time.time() - time.perf_counter()
        self.pid = os.getpid()
        self._socket: socket.socket | None = None
        self._pump: asyncio.Task[None] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._pump is None:
            self._start_pump()
        if scope["type"] == "lifespan":
            await self.app(scope, self._watch_shutdown(receive), send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        # Read before the app runs: routers may add to the scope on the way down.
        method, path, client = scope["method"], scope["path"], scope.get("client")
        began = time.perf_counter()
        response: list[Any] = [500, 0, None]  # status, body bytes, request id

        async def tapped_send(message: Message) -> None:
            kind = message["type"]
            if kind == "http.response.body":
                response[1] += len(message.get("body", b""))
            elif kind == "http.response.start":
                response[0] = message["status"]
                for name, value in message.get("headers", ()):
                    if name == REQUEST_ID:  # ASGI header names are lower-case
                        response[2] = value
            await send(message)

        try:
            await self.app(scope, receive, tapped_send)
        finally:
            # A tuple now, the event dict at flush time: the request pays for an append only.
            self.pending.append((began, time.perf_counter(), method, path, client, *response))

    def _watch_shutdown(self, receive: Receive) -> Receive:
        async def watched() -> Message:
            message = await receive()
            if message["type"] == "lifespan.shutdown":
                await self.aclose()
            return message

        return watched

    def _start_pump(self) -> None:
        try:
            self.pid = os.getpid()
            self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            self._socket.setblocking(False)
            self._pump = asyncio.get_running_loop().create_task(self._run_pump())
        except Exception:
            pass

    async def aclose(self) -> None:
        """Stop the background task, flush what is pending and close the socket."""
        pump, self._pump = self._pump, None
        if pump is not None:
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await pump
        self.flush()
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    async def _run_pump(self) -> None:
        loop = asyncio.get_running_loop()
        worst_lag = 0.0
        window_start = loop.time()
        while True:
            before = loop.time()
            await asyncio.sleep(self.flush_interval)
            now = loop.time()
            # How late the loop woke us up: the time other callbacks held the loop.
            worst_lag = max(worst_lag, now - before - self.flush_interval)
            if now - window_start >= self.lag_interval:
                self.pending.append(encode_lag(t=time.time(), ms=worst_lag * 1000, pid=self.pid))
                worst_lag = 0.0
                window_start = now
            self.flush()

    def flush(self) -> None:
        """Send the pending events to every reader now; drop them when nobody can take them."""
        if not self.pending or self._socket is None:
            return
        pending = list(self.pending)
        self.pending.clear()
        try:
            readers = reader_sockets(self.tap_dir)
            if not readers:
                return
            encoded = [self._encode(item) for item in pending]
            datagrams = [
                datagram(encoded[i : i + EVENTS_PER_DATAGRAM])
                for i in range(0, len(encoded), EVENTS_PER_DATAGRAM)
            ]
            for reader in readers:
                self._send_all(reader, datagrams)
        except Exception:
            pass

    def _encode(self, item: tuple[Any, ...] | str) -> str:
        if isinstance(item, str):
            return item
        began, ended, method, path, client, status, size, request_id = item
        return REQUEST_FORMAT % (
            began + self._clock_offset,
            quote(method),
            quote(path),
            status,
            (ended - began) * 1000,
            size,
            quote(client[0]) if client else "null",
            self.pid,
            quote(request_id.decode("latin-1")) if request_id else "null",
        )

    def _send_all(self, reader: str, datagrams: list[bytes]) -> None:
        assert self._socket is not None
        for packet in datagrams:
            try:
                self._socket.sendto(packet, reader)
            except BlockingIOError:
                return  # a slow reader: its buffer is full, drop the rest for it
            except (ConnectionRefusedError, FileNotFoundError):
                # A reader that died without closing: forget its socket file.
                with contextlib.suppress(OSError):
                    os.unlink(reader)
                return
            except OSError:
                return


def wrap_app(app: ASGIApp, tap_dir: Path | str | None) -> ASGIApp:
    """The app wrapped by the tap, or unchanged when there is no tap folder."""
    return TapMiddleware(app, tap_dir=tap_dir) if tap_dir else app
