"""The engine: one session factory, SQLite set up for concurrency, fair session slots."""

import asyncio

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.pool import QueuePool, StaticPool

from app.core.config import Settings
from app.core.database import create_engine
from app.main import create_app
from tests.helpers import lifespan_client


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


async def test_requests_wait_for_a_session_slot_in_arrival_order(settings: Settings) -> None:
    # The pool's own queue lets a newcomer overtake a woken waiter; the session slots do not.
    app = create_app(settings.model_copy(update={"db_pool_size": 1, "db_max_overflow": 0}))
    async with lifespan_client(app) as client:
        pool = app.state.engine.sync_engine.pool
        finished: list[str] = []
        requests = []
        async with app.state.session_slots.take():  # the one slot is taken
            for name in ("first", "second"):
                request = asyncio.create_task(client.get("/health"))
                request.add_done_callback(lambda _, name=name: finished.append(name))
                requests.append(request)
                done, _ = await asyncio.wait(requests, timeout=0.3)
                assert not done  # waiting for a slot...
                assert pool.checkedout() == 0  # ...without holding a connection
        responses = await asyncio.gather(*requests)
    assert [response.status_code for response in responses] == [200, 200]
    assert finished == ["first", "second"]


async def test_a_request_that_waits_past_the_pool_timeout_gets_a_generic_500(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    busy = {"db_pool_size": 1, "db_max_overflow": 0, "db_pool_timeout": 0.2}
    app = create_app(settings.model_copy(update=busy))
    async with lifespan_client(app, raise_app_exceptions=False) as client:
        async with app.state.session_slots.take():
            response = await client.get("/health")
        assert (await client.get("/health")).status_code == 200  # the slot came back
    assert response.status_code == 500
    assert response.json()["detail"] == "Internal server error"  # the details go to the log
    assert "no database session free within 0.2 s" in caplog.text


async def test_an_in_memory_sqlite_database_gets_no_pool_options(settings: Settings) -> None:
    # One shared connection (StaticPool) takes no pool_size; a file database gets the pool.
    in_memory = create_engine(settings.model_copy(update={"database_url": "sqlite+aiosqlite://"}))
    on_file = create_engine(
        settings.model_copy(update={"database_url": "sqlite+aiosqlite:///x.db"})
    )
    try:
        assert isinstance(in_memory.sync_engine.pool, StaticPool)
        file_pool = on_file.sync_engine.pool
        assert isinstance(file_pool, QueuePool) and file_pool.size() == settings.db_pool_size
        async with in_memory.connect() as connection:
            assert (await connection.scalar(text("PRAGMA foreign_keys"))) == 1
    finally:
        await in_memory.dispose()
        await on_file.dispose()
