"""Performance tuning, measured in benchmarks/: none of it is needed for the app to be correct.

- Read-only sessions in autocommit mode (no BEGIN/ROLLBACK around one SELECT).
- `gc.freeze()` of what startup leaves behind.
- Session slots: requests admitted to the connection pool first come, first served.
"""

import asyncio
import gc
from collections.abc import AsyncIterator
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


# The key of a request's slot in its session's `info` (see `slot_released`).
SLOT = "session_slot"


class SessionSlots:
    """One slot per pooled connection; a request takes one before its session, in arrival order.

    SQLAlchemy's async pool queues checkouts on an asyncio.Queue, which is not first come, first
    served: a request that arrives as a connection comes back takes it before the waiter woken
    for it, and that waiter queues again at the back. With more requests than connections, some
    waited seconds (p99 2-3.5 s for 50 clients on a pool of 20, benchmarks/orm_read_throughput.py).
    asyncio.Semaphore hands a released slot to its longest waiter, and with one session per
    request the pool never has to make anyone wait. DB_POOL_TIMEOUT bounds the wait for a slot.
    """

    def __init__(self, settings: Settings) -> None:
        self.size = settings.db_pool_size + settings.db_max_overflow
        self.timeout = settings.db_pool_timeout
        self._semaphore = asyncio.Semaphore(self.size)

    async def acquire(self) -> None:
        """Wait for a slot; raise TimeoutError after DB_POOL_TIMEOUT seconds."""
        if not self._semaphore.locked():
            await self._semaphore.acquire()  # free: returns without waiting, no timer needed
            return
        try:
            async with asyncio.timeout(self.timeout):
                await self._semaphore.acquire()
        except TimeoutError:
            raise TimeoutError(
                f"no database session free within {self.timeout:g} s "
                f"({self.size} in use: DB_POOL_SIZE + DB_MAX_OVERFLOW)"
            ) from None

    def release(self) -> None:
        """Give a slot back."""
        self._semaphore.release()

    @asynccontextmanager
    async def take(self) -> AsyncIterator["Slot"]:
        """Hold a slot for the block (one request)."""
        slot = Slot(self)
        await slot.acquire()
        try:
            yield slot
        finally:
            slot.release()


class Slot:
    """One request's hold on a session slot, which it can give back while it does something slow."""

    def __init__(self, slots: SessionSlots) -> None:
        self._slots = slots
        self.held = False

    async def acquire(self) -> None:
        """Take a slot (waiting in line)."""
        await self._slots.acquire()
        self.held = True

    def release(self) -> None:
        """Give the slot back, if held."""
        if self.held:
            self.held = False
            self._slots.release()


@asynccontextmanager
async def slot_released(session: AsyncSession) -> AsyncIterator[None]:
    """Give the session's slot to other requests for the block, then queue for one again.

    For a session whose transaction has just ended (no connection held): a password hash then
    waits for its thread without keeping anyone else from the database.
    """
    slot = session.info.get(SLOT)
    if not isinstance(slot, Slot):
        yield  # a session made outside a request (a test, a script)
        return
    slot.release()
    try:
        yield
    finally:
        await slot.acquire()
