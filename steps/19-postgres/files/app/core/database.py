"""Async engine, session factory and session slots; SQLite tuned for concurrent requests."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.core.config import Settings


def create_engine(settings: Settings) -> AsyncEngine:
    """Create the engine for `settings.database_url` (called once, in the lifespan)."""
    url = make_url(settings.database_url)
    # Outside DEBUG, SQL parameters (emails, password hashes) stay out of errors and logs.
    hide_parameters = not settings.debug
    pool: dict[str, Any] = {
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
        "pool_timeout": settings.db_pool_timeout,
    }
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):
            pool = {}  # one shared connection (StaticPool): no pool to size
        engine = create_async_engine(url, hide_parameters=hide_parameters, **pool)
        _tune_sqlite(engine, busy_timeout_ms=settings.sqlite_busy_timeout_ms)
        return engine
    return create_async_engine(
        url,
        hide_parameters=hide_parameters,
        pool_recycle=settings.db_pool_recycle,
        pool_pre_ping=settings.db_pool_pre_ping,
        **pool,
    )


def _tune_sqlite(engine: AsyncEngine, *, busy_timeout_ms: int) -> None:
    """Send the PRAGMAs SQLite needs on every new connection (they are per connection)."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # Wait for the write lock instead of failing at once with "database is locked".
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        # Readers no longer block the writer, nor the writer the readers.
        cursor.execute("PRAGMA journal_mode = WAL")
        # SQLite ignores foreign keys unless asked, on each connection.
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Create the app's one session factory (each request gets one session from it).

    `expire_on_commit=False` keeps loaded attributes after `commit()`, so building the response
    never triggers a lazy load (which async SQLAlchemy cannot do implicitly).
    """
    return async_sessionmaker(engine, expire_on_commit=False)


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

    @asynccontextmanager
    async def take(self) -> AsyncIterator[None]:
        """Hold a slot for the block; raise TimeoutError after DB_POOL_TIMEOUT seconds."""
        if self._semaphore.locked():
            try:
                async with asyncio.timeout(self.timeout):
                    await self._semaphore.acquire()
            except TimeoutError:
                raise TimeoutError(
                    f"no database session free within {self.timeout:g} s "
                    f"({self.size} in use: DB_POOL_SIZE + DB_MAX_OVERFLOW)"
                ) from None
        else:
            await self._semaphore.acquire()  # free: returns without waiting, no timer needed
        try:
            yield
        finally:
            self._semaphore.release()


def autocommit_engine(engine: AsyncEngine) -> AsyncEngine:
    """The same engine and pool in autocommit mode, for read-only sessions (see deps.py).

    A session bound to it sends no BEGIN before its query and no ROLLBACK after it, which
    measured about 15% of the server's CPU per GET /posts/{id} on asyncpg
    (benchmarks/orm_read_throughput.py). Each statement is then its own transaction: never
    write through it (several writes would not be atomic), nor rely on several SELECTs seeing
    one snapshot.
    """
    return engine.execution_options(isolation_level="AUTOCOMMIT")
