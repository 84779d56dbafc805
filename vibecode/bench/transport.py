"""The seam between the load generator and HTTP: prepare a request once, send it many times.

Two transports implement it: `fast` (the default; `fastclient.FastTransport`) and `aiohttp`
(`aiohttpclient.AiohttpTransport`); `loadgen.make_transport` picks one. Both translate their
failures into `RequestFailed` (or a built-in `OSError` / `TimeoutError`) where they happen, so
`classify` needs to know neither.
"""

from __future__ import annotations

import errno
from collections.abc import Callable
from typing import Any, Protocol

from vibecode.bench.config import LoadConfig
from vibecode.bench.result import ErrorKind

USER_AGENT = "vibecode-bench"
COUNTED = -1
"""What `chain` returns when its `follow` counted the last answer and stopped."""

Follow = Callable[[int], Any]
"""Counts an answer (its status) and returns the next prepared request, or None to stop."""


class RequestFailed(Exception):
    """A request that got no response, with its kind already known."""

    def __init__(self, kind: ErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind: ErrorKind = kind


class Transport(Protocol):
    """Sends prepared requests; `constant` is the prepared request when nothing varies."""

    constant: Any

    async def start(self) -> None:
        """Open what the transport needs (a session), inside the running event loop."""

    def prepare(self, seq: int) -> Any:
        """Request number `seq`, with `${seq}` filled in."""

    async def send(self, prepared: Any) -> int:
        """Send a prepared request, read the whole response, return its status."""

    async def chain(self, prepared: Any, follow: Follow | None) -> int:
        """Send `prepared`, then whatever `follow(status)` returns, until it returns None.

        Returns COUNTED when `follow` stopped the chain, or the status of an answer `follow`
        did not see (no `follow`, or the connection could not carry another request).
        """

    async def close(self) -> None:
        """Close every connection."""


def classify(exc: BaseException) -> ErrorKind:
    """The kind of a failed request: connect, timeout, reset or other."""
    if isinstance(exc, RequestFailed):
        return exc.kind
    if isinstance(exc, TimeoutError):
        return "timeout"
    if isinstance(exc, ConnectionRefusedError):
        return "connect"
    if isinstance(exc, ConnectionResetError | BrokenPipeError):
        return "reset"
    if isinstance(exc, OSError) and exc.errno in (errno.ECONNRESET, errno.EPIPE):
        return "reset"
    return "other"


def request_headers(config: LoadConfig) -> dict[str, str]:
    """The headers every request carries: the user's, plus a JSON content type for JSON bodies."""
    headers = dict(config.headers)
    if config.json is not None and not any(k.lower() == "content-type" for k in headers):
        headers["Content-Type"] = "application/json"
    return headers
