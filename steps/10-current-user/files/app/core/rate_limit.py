"""Login attempts per client address, counted by the `limits` library (a moving window)."""

import math
import time

from limits import parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter


class LoginRateLimiter:
    """LOGIN_RATE_LIMIT per client address, in this process (behind a proxy: --proxy-headers)."""

    def __init__(self, limit: str) -> None:
        self.limit = parse(limit)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    async def retry_after(self, client: str) -> int | None:
        """Count one attempt; None when allowed, else the seconds until the next one is."""
        if await self._limiter.hit(self.limit, "login", client):
            return None
        stats = await self._limiter.get_window_stats(self.limit, "login", client)
        return max(1, math.ceil(stats.reset_time - time.time()))
