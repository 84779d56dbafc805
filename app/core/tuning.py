"""Performance tuning, measured in benchmarks/: the app is correct without any of it.

- Read-only sessions in autocommit mode (no BEGIN/ROLLBACK around one SELECT).
- `gc.freeze()` of what startup leaves behind.
- Session slots: requests admitted to the connection pool first come, first served.
"""

import asyncio
import gc
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings


async def autocommit_reads(session: AsyncSession) -> AsyncSession:
    """Put a session that has not run anything yet in autocommit mode, for a lone SELECT.

    It then sends no BEGIN before its query and no ROLLBACK after it, which measured about 15% of
    the server's CPU per GET /posts/{id} on asyncpg (benchmarks/orm_read_throughput.py). Each
    statement is its own transaction: never write through such a session. A session the request
    already used (to look up the current user, say) keeps its transaction.
    """
    if not session.in_transaction():
        await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    return session


def freeze_startup_objects() -> None:
    """Take startup's long-lived objects out of the garbage collector's full passes.

    Startup's ~96,000 objects (FastAPI, SQLAlchemy, Pydantic) live as long as the app, yet every
    full collection would scan them: a ~50 ms stop of the event loop every few hundred requests.
    Frozen, the collector skips them (benchmarks/orm_read_throughput.py --gc-default).
    """
    gc.freeze()


SLOT = "session_slot"  # where a request's session keeps the way to give its slot back


class SessionSlots:
    """One slot per pooled connection, taken before the session, first come, first served.

    SQLAlchemy's async pool (an asyncio.Queue) lets newcomers overtake woken waiters: p99 2-3.5 s
    for 50 clients on a pool of 20 (benchmarks/orm_read_throughput.py); a Semaphore queues fairly.
    """

    def __init__(self, settings: Settings) -> None:
        self.size = settings.db_pool_size + settings.db_max_overflow
        self.timeout = settings.db_pool_timeout
        self._semaphore = asyncio.Semaphore(self.size)

    @asynccontextmanager
    async def take(self) -> AsyncIterator[Callable[[], None]]:
        """Hold a slot for the block; what it yields gives the slot back early (at most once)."""
        try:  # a free slot is taken at once: no timer to set for it
            async with asyncio.timeout(self.timeout if self._semaphore.locked() else None):
                await self._semaphore.acquire()
        except TimeoutError:
            raise TimeoutError(
                f"no database session free within {self.timeout:g} s "
                f"({self.size} in use: DB_POOL_SIZE + DB_MAX_OVERFLOW)"
            ) from None
        held = True

        def give_back() -> None:
            nonlocal held
            if held:
                held = False
                self._semaphore.release()

        try:
            yield give_back
        finally:
            give_back()


def give_back_slot(session: AsyncSession) -> None:
    """Give the request's slot to others (its session holds no connection) before a slow hash."""
    give_back = session.info.pop(SLOT, None)
    if give_back is not None:
        give_back()
