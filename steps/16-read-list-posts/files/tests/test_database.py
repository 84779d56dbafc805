"""The engine: one session factory, and SQLite set up for concurrency on every connection."""

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import text

from app.core.config import Settings


@pytest.fixture
def sqlite_only(settings: Settings) -> None:
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("SQLite-specific")


@pytest.mark.usefixtures("sqlite_only")
async def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(
    app: FastAPI, client: AsyncClient, settings: Settings
) -> None:
    async with app.state.engine.connect() as connection:
        assert (await connection.scalar(text("PRAGMA journal_mode"))) == "wal"
        assert (await connection.scalar(text("PRAGMA foreign_keys"))) == 1
        busy_timeout = await connection.scalar(text("PRAGMA busy_timeout"))
        assert busy_timeout == settings.sqlite_busy_timeout_ms


async def test_sessions_keep_attributes_after_commit(app: FastAPI, client: AsyncClient) -> None:
    assert app.state.session_factory.kw["expire_on_commit"] is False


async def test_read_sessions_do_not_open_transactions(app: FastAPI, client: AsyncClient) -> None:
    # GET routes that run one SELECT skip BEGIN/ROLLBACK (see autocommit_engine).
    read_engine = app.state.read_engine
    assert read_engine.get_execution_options()["isolation_level"] == "AUTOCOMMIT"
    assert read_engine.sync_engine.pool is app.state.engine.sync_engine.pool  # one pool
    async with app.state.session_factory(bind=read_engine) as session:
        assert (await session.scalar(text("SELECT 1"))) == 1
