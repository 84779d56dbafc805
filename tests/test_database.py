"""The engine and sessions: SQLite set up for concurrency, one session per request, fair slots."""

import asyncio
import logging
from typing import cast

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.pool import QueuePool, StaticPool

from app.api.deps import CurrentUser, PostReaderDep
from app.core.config import Settings
from app.core.database import create_engine
from app.core.state import app_state
from app.main import create_app
from app.models.user import User
from tests.helpers import lifespan_client


@pytest.fixture
def sqlite_only(settings: Settings) -> None:
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("SQLite-specific")


@pytest.mark.usefixtures("sqlite_only")
async def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(
    app: FastAPI, client: AsyncClient, settings: Settings
) -> None:
    async with app_state(app).engine.connect() as connection:
        assert (await connection.scalar(text("PRAGMA journal_mode"))) == "wal"
        assert (await connection.scalar(text("PRAGMA foreign_keys"))) == 1
        busy_timeout = await connection.scalar(text("PRAGMA busy_timeout"))
        assert busy_timeout == settings.sqlite_busy_timeout_ms


async def test_sessions_keep_attributes_after_commit(app: FastAPI, client: AsyncClient) -> None:
    # After commit, reading an attribute must not go back to the database: in async code that
    # implicit load cannot happen (MissingGreenlet), and building a response reads them all.
    async with app_state(app).session_factory() as session:
        user = User(email="kept@example.com", hashed_password="x")
        session.add(user)
        await session.commit()
        assert user.email == "kept@example.com"
        assert user.public_id is not None


@pytest.fixture
def sql_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """SQLAlchemy's own account of each connection's BEGIN, statements and ROLLBACK."""
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine.Engine")
    return caplog


def _transactions(log: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in log.records if r.getMessage().startswith(("BEGIN", "ROLLBACK"))]


async def test_a_read_route_runs_its_select_outside_a_transaction(
    client: AsyncClient, new_account: object, sql_log: pytest.LogCaptureFixture
) -> None:
    sql_log.clear()
    assert (await client.get("/posts")).status_code == 200
    # In autocommit the driver sends no BEGIN and no ROLLBACK: SQLAlchemy says so in its log.
    transactions = _transactions(sql_log)
    assert transactions, "no connection was used"
    assert all("autocommit" in line for line in transactions), transactions


async def test_a_write_route_runs_in_a_transaction(
    client: AsyncClient, sql_log: pytest.LogCaptureFixture
) -> None:
    sql_log.clear()
    body = {"email": "tx@example.com", "password": "demo123", "confirm_password": "demo123"}
    assert (await client.post("/users/register", json=body)).status_code == 201
    transactions = _transactions(sql_log)
    assert transactions and not any("autocommit" in line for line in transactions)


@pytest.fixture
def one_slot(settings: Settings) -> Settings:
    """One pooled connection, hence one session slot, and a short wait for it."""
    return settings.model_copy(
        update={"db_pool_size": 1, "db_max_overflow": 0, "db_pool_timeout": 1.0}
    )


async def test_a_route_that_combines_session_dependencies_uses_one_session(
    one_slot: Settings, register: object
) -> None:
    # CurrentUser and PostReaderDep each ask for a session: they must get the same one, or
    # with one slot the request would wait for itself.
    app = create_app(one_slot)

    @app.get("/mine")
    async def mine(user: CurrentUser, posts: PostReaderDep) -> int:
        return len(await posts.list(limit=10, offset=0, author_public_id=user.public_id))

    async with lifespan_client(app) as client:
        body = {"email": "both@example.com", "password": "demo123", "confirm_password": "demo123"}
        await client.post("/users/register", json=body)
        login = await client.post(
            "/users/login", data={"username": "both@example.com", "password": "demo123"}
        )
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        responses = await asyncio.gather(*(client.get("/mine", headers=headers) for _ in range(8)))
    assert [r.status_code for r in responses] == [200] * 8


async def test_requests_wait_for_a_session_slot_in_arrival_order(one_slot: Settings) -> None:
    # The pool's own queue lets a newcomer overtake a woken waiter; the session slots do not.
    app = create_app(one_slot)
    async with lifespan_client(app) as client:
        state = app_state(app)
        pool = cast(QueuePool, state.engine.sync_engine.pool)
        finished: list[str] = []
        requests = []
        async with state.session_slots.take():  # the one slot is taken
            for name in ("first", "second"):
                request = asyncio.create_task(client.get("/posts"))

                def record(_: object, name: str = name) -> None:
                    finished.append(name)

                request.add_done_callback(record)
                requests.append(request)
                done, _ = await asyncio.wait(requests, timeout=0.05)
                assert not done  # waiting for a slot...
                assert pool.checkedout() == 0  # ...without holding a connection
        responses = await asyncio.gather(*requests)
    assert [response.status_code for response in responses] == [200, 200]
    assert finished == ["first", "second"]


async def test_a_request_that_waits_past_the_pool_timeout_gets_a_generic_500(
    one_slot: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(one_slot.model_copy(update={"db_pool_timeout": 0.05}))
    async with lifespan_client(app, raise_app_exceptions=False) as client:
        async with app_state(app).session_slots.take():
            response = await client.get("/posts")
        assert (await client.get("/posts")).status_code == 200  # the slot came back
    assert response.status_code == 500
    assert response.json()["detail"] == "Internal server error"  # the details go to the log
    assert "no database session free within 0.05 s" in caplog.text


async def test_a_login_waiting_for_its_hash_holds_no_slot_nor_connection(
    one_slot: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(one_slot)
    async with lifespan_client(app) as client:
        body = {"email": "slow@example.com", "password": "demo123", "confirm_password": "demo123"}
        assert (await client.post("/users/register", json=body)).status_code == 201
        hasher = app_state(app).hasher
        real_verify, hashing, release = hasher.verify, asyncio.Event(), asyncio.Event()

        async def slow_verify(password: str, hashed: str) -> tuple[bool, str | None]:
            hashing.set()
            await release.wait()  # the hashing threads are busy with other logins
            return await real_verify(password, hashed)

        monkeypatch.setattr(hasher, "verify", slow_verify)
        form = {"username": "slow@example.com", "password": "demo123"}
        login = asyncio.create_task(client.post("/users/login", data=form))
        await hashing.wait()
        assert cast(QueuePool, app_state(app).engine.sync_engine.pool).checkedout() == 0
        read = await client.get("/posts")  # the only slot is free for others meanwhile
        release.set()
        assert read.status_code == 200
        assert (await login).status_code == 200


@pytest.mark.parametrize(
    "url", ["sqlite+aiosqlite://", "sqlite+aiosqlite:///", "sqlite+aiosqlite:///:memory:"]
)
async def test_an_in_memory_sqlite_database_gets_no_pool_options(
    url: str, settings: Settings
) -> None:
    # One shared connection (StaticPool) takes no pool_size; a file database gets the pool.
    in_memory = create_engine(settings.model_copy(update={"database_url": url}))
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


async def test_overflow_connections_count_as_slots(settings: Settings) -> None:
    from app.core.tuning import SessionSlots

    sizes = {"db_pool_size": 1, "db_max_overflow": 1, "db_pool_timeout": 0.5}
    slots = SessionSlots(settings.model_copy(update=sizes))
    async with slots.take(), slots.take():  # the second is the overflow connection's: no wait
        assert slots.size == 2


async def test_the_services_work_on_a_session_outside_any_request(
    app: FastAPI, client: AsyncClient
) -> None:
    # A script or a shell gets its session from the factory: it holds no request slot.
    from app.schemas.user import UserCreate
    from app.services.user_service import UserService
    from tests.helpers import PASSWORD

    state = app_state(app)
    async with state.session_factory() as session:
        users = UserService(session, state.hasher)
        user = await users.register(
            UserCreate(email="script@example.com", password=PASSWORD, confirm_password=PASSWORD)
        )
        assert await users.authenticate("script@example.com", PASSWORD) == user
