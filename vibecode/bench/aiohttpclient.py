"""`--client aiohttp`: one `ClientSession` with a `TCPConnector` sized to the concurrency."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vibecode.bench.config import SEQ, LoadConfig
from vibecode.bench.transport import COUNTED, USER_AGENT, Follow, RequestFailed, request_headers

if TYPE_CHECKING:
    import aiohttp


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
        """Open the session."""
        import aiohttp

        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self.config.concurrency, limit_per_host=0),
            timeout=aiohttp.ClientTimeout(total=self.config.timeout),
            headers={"User-Agent": USER_AGENT, **request_headers(self.config)},
            cookie_jar=aiohttp.DummyCookieJar(),
        )

    def prepare(self, seq: int) -> Any:
        """Request number `seq`: its URL and body bytes."""
        text = str(seq)
        url = self._url_class(text.join(self._url_parts))
        body = text.join(self._body_parts).encode() if self._body_parts is not None else None
        return url, body

    async def send(self, prepared: Any) -> int:
        """Send one request through the session; aiohttp's errors become `RequestFailed`."""
        import aiohttp

        session = self.session
        assert session is not None
        url, body = prepared
        try:
            async with session.request(self.config.method, url, data=body) as response:
                await response.read()
        except aiohttp.ClientConnectorError as exc:
            raise RequestFailed("connect", str(exc)) from None
        except (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError) as exc:
            raise RequestFailed("reset", str(exc) or type(exc).__name__) from None
        return response.status

    async def chain(self, prepared: Any, follow: Follow | None) -> int:
        """Send requests one after the other while `follow` returns the next one."""
        while True:
            status = await self.send(prepared)
            if follow is None:
                return status
            prepared = follow(status)
            if prepared is None:
                return COUNTED

    async def close(self) -> None:
        """Close the session and its connections."""
        if self.session is not None:
            await self.session.close()
