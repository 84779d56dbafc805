"""Async engine and session factory; SQLite tuned for concurrent requests."""

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
    engine = create_async_engine(url, hide_parameters=not settings.debug)
    if url.get_backend_name() == "sqlite":
        _tune_sqlite(engine, busy_timeout_ms=settings.sqlite_busy_timeout_ms)
    return engine


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
