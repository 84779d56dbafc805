"""Login attempts per client address, counted by the `limits` library (a moving window)."""

import math
import time

from limits import parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter


class LoginRateLimiter:
    """At most LOGIN_RATE_LIMIT login attempts per client address; in memory, per worker.

    Behind a proxy every client has the proxy's address: run uvicorn with --proxy-headers (and
    --forwarded-allow-ips) so the address is the client's. Several workers each count on their
    own; share a Redis storage (`limits` has one) if that matters.
    """

    def __init__(self, limit: str) -> None:
        self.limit = parse(limit)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    async def retry_after(self, client: str) -> int | None:
        """Count one attempt; None when allowed, else the seconds until the next one is."""
        if await self._limiter.hit(self.limit, "login", client):
            return None
        stats = await self._limiter.get_window_stats(self.limit, "login", client)
        return max(1, math.ceil(stats.reset_time - time.time()))
