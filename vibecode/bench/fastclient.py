"""A minimal HTTP/1.1 keep-alive client: asyncio protocols, pre-built bytes, httptools' C parser.

Why not aiohttp for the load itself: it costs about 100-120 µs of CPU per request. When the load
generator and the server share the machine's cores (a laptop on stage), that CPU is taken from
the server and the figures drop: 0.83 of wrk's req/s on a trivial endpoint, measured on a busy
2-core machine. This client sends request bytes built once and parses answers in C: about 35 µs
per request, near wrk's 26. It does what a benchmark needs and no more: no redirects, no
cookies, no compression, one request at a time per connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
from collections import deque
from typing import Any, cast
from urllib.parse import urlsplit

from vibecode.bench.config import SEQ, LoadConfig
from vibecode.bench.transport import COUNTED, Follow, RequestFailed, request_headers

STALE = "stale"
"""The message of a failure on a reused connection the server had closed: retried once."""
MARK = "\x00seq\x00"
"""Stands for `${seq}` while the URL is encoded, so the braces are not percent-encoded."""


class _Connection(asyncio.Protocol):
    """One keep-alive connection: one request in flight at a time."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        import httptools

        self._loop = loop
        self._parser_class = httptools.HttpResponseParser
        self._parser_error = httptools.HttpParserError
        self.parser = self._parser_class(self)
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future[int] | None = None
        self.sent_at = 0.0
        self.last_data = b""
        self.next_request: Follow | None = None
        self.open = True
        self.reused = False
        self.received = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement asyncio.Transport without subclassing it.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.received = True
        try:
            self.parser.feed_data(data)
        except self._parser_error as exc:
            self.fail(RequestFailed("other", f"not an HTTP response: {exc}"))

    def on_message_complete(self) -> None:
        self._complete()

    def _complete(self) -> None:
        status = self.parser.get_status_code()
        keep_alive = self.parser.should_keep_alive()
        self.reused = True
        follow = self.next_request
        if follow is not None and keep_alive:
            # Chained: count the answer and send the next request right here, in the
            # callback, like wrk does; no future and no coroutine switch per request.
            data = follow(status)
            if data is not None:
                self._write(data)
                return
            status = COUNTED
        if not keep_alive:
            self.close()
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(status)

    def connection_lost(self, exc: Exception | None) -> None:
        self.open = False
        if self.reused and not self.received:
            # The server closed an idle keep-alive connection as we reused it: retry once.
            self.fail(RequestFailed("reset", STALE))
        else:
            self.fail(RequestFailed("reset", str(exc) or "the server closed the connection"))

    def fail(self, error: RequestFailed) -> None:
        """End the request in flight with `error` and close the connection."""
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(error)
        self.close()

    def close(self) -> None:
        """Close the connection (it cannot carry another request)."""
        self.open = False
        if self.transport is not None:
            self.transport.close()

    def request(self, data: bytes) -> asyncio.Future[int]:
        """Send one request's bytes; the future gets the status once the whole answer is in
        (or COUNTED when `next_request` counted the answers and stopped the chain)."""
        waiter: asyncio.Future[int] = self._loop.create_future()
        self.waiter = waiter
        self._write(data)
        return waiter

    def _write(self, data: bytes) -> None:
        assert self.transport is not None
        self.received = False
        self.sent_at = self._loop.time()
        self.last_data = data
        self.transport.write(data)


class _HeadConnection(_Connection):
    """A response to HEAD announces a body it does not send: it is complete with its headers."""

    def on_headers_complete(self) -> None:
        self._complete()
        self.parser = self._parser_class(self)

    def on_message_complete(self) -> None:
        pass


class FastTransport:
    """A pool of at most `concurrency` keep-alive connections to one server."""

    def __init__(self, config: LoadConfig) -> None:
        parts = urlsplit(config.url.replace(SEQ, MARK))
        self.host = parts.hostname or ""
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.ssl: ssl.SSLContext | None = (
            ssl.create_default_context() if parts.scheme == "https" else None
        )
        self.timeout = config.timeout
        self.limit = config.concurrency
        self._protocol = _HeadConnection if config.method == "HEAD" else _Connection
        self._head_parts, self._body_parts, self._has_body = _templates(config, parts)
        varies = len(self._head_parts) > 1 or len(self._body_parts) > 1
        self.constant: Any = None if varies else self.prepare(0)
        self._idle: list[_Connection] = []
        self._opened = 0
        self._waiting: deque[asyncio.Future[None]] = deque()
        self._all: set[_Connection] = set()
        self._sweeper: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start the timeout sweeper; connections are made on first use."""
        self._sweeper = asyncio.get_running_loop().create_task(self._sweep())

    def prepare(self, seq: int) -> bytes:
        """The bytes of request number `seq`."""
        text = str(seq)
        head = text.join(self._head_parts)
        if not self._has_body:
            return (head + "\r\n").encode()
        body = text.join(self._body_parts).encode()
        return (head + f"Content-Length: {len(body)}\r\n\r\n").encode() + body

    async def send(self, prepared: bytes) -> int:
        """Send one request on a pooled connection and return the answer's status."""
        return await self.chain(prepared, None)

    async def chain(self, prepared: bytes, follow: Follow | None) -> int:
        """Send `prepared`; then, while `follow(status)` counts each answer and returns the next
        request's bytes, keep sending on the same connection from its callbacks.

        Returns COUNTED when `follow` stopped the chain, or the status of an answer it did not
        see (no `follow`, or the server closed the connection after that answer). A request
        sent on a keep-alive connection the server had closed is sent again on a new one.
        """
        while True:
            idle = self._idle
            connection = idle.pop() if idle and idle[-1].open else await self._acquire()
            connection.next_request = follow
            try:
                result = await connection.request(prepared)
            except RequestFailed as failure:
                connection.next_request = None
                self._release(connection)
                if str(failure) == STALE:
                    # Nothing of the answer arrived: sending again cannot count it twice.
                    prepared = connection.last_data
                    continue
                raise
            except BaseException:
                # Cancelled mid-request (the run is over): the answer would arrive later on
                # this connection, so it cannot go back to the pool.
                connection.next_request = None
                connection.close()
                self._release(connection)
                raise
            connection.next_request = None
            if connection.open and not self._waiting:
                idle.append(connection)
            else:
                self._release(connection)
            return result

    async def _acquire(self) -> _Connection:
        while True:
            while self._idle:
                connection = self._idle.pop()
                if connection.open:
                    return connection
                self._forget(connection)
            if self._opened < self.limit:
                self._opened += 1
                try:
                    return await self._connect()
                except BaseException:
                    self._opened -= 1
                    self._wake()
                    raise
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiting.append(waiter)
            await waiter

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        try:
            _, connection = await asyncio.wait_for(
                loop.create_connection(
                    lambda: self._protocol(loop),
                    self.host,
                    self.port,
                    ssl=self.ssl,
                    server_hostname=self.host if self.ssl else None,
                ),
                self.timeout,
            )
        except TimeoutError:
            raise RequestFailed("timeout", f"no connection within {self.timeout:g} s") from None
        except OSError as exc:  # refused, unreachable, unknown host (socket.gaierror)
            raise RequestFailed(
                "connect", f"cannot connect to {self.host}:{self.port}: {exc}"
            ) from None
        sock = connection.transport.get_extra_info("socket") if connection.transport else None
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._all.add(connection)
        return connection

    def _release(self, connection: _Connection) -> None:
        if connection.open:
            self._idle.append(connection)
        else:
            self._forget(connection)
        self._wake()

    def _forget(self, connection: _Connection) -> None:
        if connection in self._all:
            self._all.discard(connection)
            self._opened -= 1

    def _wake(self) -> None:
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    async def _sweep(self) -> None:
        """Fail the requests older than the timeout."""
        # One periodic check instead of a timer per request: cheaper per request, and a
        # timeout fires at most a tenth of the timeout (and at most 0.1 s) late.
        loop = asyncio.get_running_loop()
        interval = max(0.01, min(0.1, self.timeout / 10))
        message = f"no complete answer within {self.timeout:g} s"
        while True:
            await asyncio.sleep(interval)
            expired = loop.time() - self.timeout
            for connection in list(self._all):
                if connection.waiter is not None and connection.sent_at <= expired:
                    connection.fail(RequestFailed("timeout", message))

    async def close(self) -> None:
        """Stop the sweeper and close every connection."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        for connection in list(self._all):
            connection.close()
        self._all.clear()
        self._idle.clear()


def _templates(config: LoadConfig, parts: Any) -> tuple[list[str], list[str], bool]:
    """The request head and body as text split where `${seq}` goes, and whether there is a body."""
    from yarl import URL

    target = URL(config.url.replace(SEQ, MARK)).raw_path_qs or "/"
    netloc = parts.netloc.rsplit("@", 1)[-1]
    # Only what HTTP/1.1 requires, as wrk sends: every extra header is work for the server.
    lines = [f"{config.method} {target} HTTP/1.1", f"Host: {netloc}"]
    lines += [f"{name}: {value}" for name, value in request_headers(config).items()]
    head = "\r\n".join(lines) + "\r\n"
    body = config.body_template()
    has_body = body is not None or config.method in ("POST", "PUT", "PATCH")
    # yarl encodes the marker's NUL bytes: find it in both spellings.
    encoded_mark = "%00seq%00"
    head = head.replace(encoded_mark, MARK)
    return head.split(MARK), (body or "").split(SEQ), has_body
