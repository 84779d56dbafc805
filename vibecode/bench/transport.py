"""The seam between the load generator and HTTP: prepare a request once, send it many times.

Two transports: `fast` (the default; `fastclient.FastTransport`) and `aiohttp`
(`AiohttpTransport`, one `ClientSession` with a `TCPConnector` sized to the concurrency).
"""

from __future__ import annotations

import errno
from typing import TYPE_CHECKING, Any, Protocol

from vibecode.bench.config import SEQ, LoadConfig
from vibecode.bench.result import ErrorKind

if TYPE_CHECKING:
    import aiohttp

USER_AGENT = "vibecode-bench"


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

    async def close(self) -> None:
        """Close every connection."""


def make_transport(config: LoadConfig) -> Transport:
    """The transport `config.client` names (aiohttp when the fast one's parser is missing)."""
    if config.client == "fast":
        try:
            import httptools  # noqa: F401 - ships with uvicorn[standard]
        except ImportError:  # pragma: no cover - a leaner install than ours
            return AiohttpTransport(config)
        from vibecode.bench.fastclient import FastTransport

        return FastTransport(config)
    return AiohttpTransport(config)


def classify(exc: BaseException) -> ErrorKind:
    """The kind of a failed request: connect, timeout, reset or other."""
    if isinstance(exc, RequestFailed):
        return exc.kind
    if isinstance(exc, TimeoutError):
        return "timeout"
    import aiohttp

    if isinstance(exc, aiohttp.ClientConnectorError | ConnectionRefusedError):
        return "connect"
    if isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError):
        return "reset"
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


class AiohttpTransport:
    """aiohttp: one session, a connector limited to the concurrency, no cookies."""

    def __init__(self, config: LoadConfig) -> None:
        from yarl import URL

        self.config = config
        self._url_class = URL
        self._url_parts = config.url.split(SEQ)
        template = config.body_template()
        self._body_parts = template.split(SEQ) if template is not None else None
        varies = len(self._url_parts) > 1 or len(self._body_parts or ()) > 1
        self.constant: Any = None if varies else self.prepare(0)
        self.session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        import aiohttp

        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self.config.concurrency, limit_per_host=0),
            timeout=aiohttp.ClientTimeout(total=self.config.timeout),
            headers={"User-Agent": USER_AGENT, **request_headers(self.config)},
            cookie_jar=aiohttp.DummyCookieJar(),
        )

    def prepare(self, seq: int) -> Any:
        text = str(seq)
        url = self._url_class(text.join(self._url_parts))
        body = text.join(self._body_parts).encode() if self._body_parts is not None else None
        return url, body

    async def send(self, prepared: Any) -> int:
        session = self.session
        assert session is not None
        url, body = prepared
        async with session.request(self.config.method, url, data=body) as response:
            await response.read()
        return response.status

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()
