"""Shared fixtures: a database built by the migrations, an app client with its lifespan running.

The suite runs on a temporary SQLite file by default and on PostgreSQL when TEST_DATABASE_URL is
set (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/vibecode_test). It empties every table of
that database, so it refuses one whose name does not end in `_test`; it creates the database
when it does not exist yet. Each test starts from empty tables.
"""

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from alembic import command
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import Connection, MetaData
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from app.core.config import Settings
from app.main import create_app
from app.models import Base
from tests.helpers import (
    PASSWORD,
    Account,
    check_test_database,
    create_database_if_missing,
    lifespan_client,
    new_email,
    run_alembic,
)

# --- database -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """TEST_DATABASE_URL (a test database, created if missing), or a fresh SQLite file."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return check_test_database(url)
    return f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the test database, whose schema is built by the migrations."""
    await create_database_if_missing(database_url)
    # Pooled: the rows are emptied after every test, and opening a connection for each of them
    # (a thread and a connect on aiosqlite) made that cost more than most tests.
    engine = create_async_engine(database_url)
    # Start from nothing: a previous, interrupted run may have left tables behind.
    async with engine.begin() as connection:
        await connection.run_sync(_drop_everything)
    await run_alembic(engine, command.upgrade, "head")
    yield engine
    await engine.dispose()


def _drop_everything(connection: Connection) -> None:
    metadata = MetaData()
    metadata.reflect(connection)
    metadata.drop_all(connection)


@pytest.fixture(autouse=True)
async def _empty_tables(engine: AsyncEngine) -> AsyncIterator[None]:
    """Delete every row after each test, so tests never see each other's data.

    Rows are deleted (not rolled back) because the app commits through its own connections,
    and the race tests need real concurrent commits. The tables are the models' (children
    first); a test that changes the schema puts it back as the migrations build it.
    """
    yield
    async with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            await connection.execute(table.delete())


# --- app and client -----------------------------------------------------------------------


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings for tests: the test database, a real secret, and very cheap password hashing."""
    return Settings(
        _env_file=None,  # a developer's .env must not change the tests
        database_url=database_url,
        # 200 concurrent writers on a busy machine can queue past the default 5 s for SQLite's
        # write lock: the tests wait longer rather than fail on the machine's load.
        sqlite_busy_timeout_ms=60_000,
        debug=False,
        log_level="DEBUG",
        secret_key="test-secret-key-" + "x" * 64,  # long enough for HS512 too
        algorithm="HS256",
        access_token_expire_minutes=30,
        argon2_time_cost=1,
        argon2_memory_cost=8,
        argon2_parallelism=1,
        hash_threads=4,
        hash_queue_size=1000,  # 50 racing registrations must queue, not get 503 on a busy machine
        allowed_hosts=["test"],  # the test client's host (http://test)
        login_rate_limit="1000/minute",  # every test logs in from one address
        demo_endpoints=False,
    )


@pytest.fixture(scope="session")
def _apps() -> list[tuple[Settings, FastAPI]]:
    """The apps built so far in this run, with the settings of each (see `app`)."""
    return []


@pytest.fixture
def app(settings: Settings, _apps: list[tuple[Settings, FastAPI]]) -> FastAPI:
    """The app built from the test settings, shared by every test with equal settings.

    Each test runs its own lifespan (`client`), which makes everything a test can change
    (engine, hasher, rate limiter) afresh. A new app per test made FastAPI analyse each
    route's dependencies again at every test's first request, a fifth of the suite's time. A
    test that changes the app itself (adds a route) builds its own with create_app.
    Under mutmut, which runs for a mutant only the tests that called its function, every
    test builds its own, so that each of them tests the mutants of create_app.
    """
    import os  # (the steps before 19 import no os here)

    if "MUTANT_UNDER_TEST" in os.environ:
        return create_app(settings)
    for built_from, built in _apps:
        if built_from == settings:  # every field, secrets included
            return built
    built = create_app(settings)
    _apps.append((settings, built))
    return built


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[AsyncClient]:
    """A client for the app, lifespan included."""
    async with lifespan_client(app) as client:
        yield client


# --- accounts -----------------------------------------------------------------------------


@pytest.fixture
def register(client: AsyncClient) -> Callable[..., Awaitable[dict[str, Any]]]:
    """Register a user and return the response body."""

    async def _register(email: str | None = None, password: str = PASSWORD) -> dict[str, Any]:
        body = {"email": email or new_email(), "password": password, "confirm_password": password}
        response = await client.post("/users/register", json=body)
        assert response.status_code == 201, response.text
        data: dict[str, Any] = response.json()
        return data

    return _register


@pytest.fixture
def login(client: AsyncClient) -> Callable[..., Awaitable[dict[str, str]]]:
    """Log in and return the Authorization header."""

    async def _login(email: str, password: str = PASSWORD) -> dict[str, str]:
        response = await client.post("/users/login", data={"username": email, "password": password})
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    return _login


@pytest.fixture
def new_account(
    register: Callable[..., Awaitable[dict[str, Any]]],
    login: Callable[..., Awaitable[dict[str, str]]],
) -> Callable[[], Awaitable[Account]]:
    """Register and log in a fresh user."""

    async def _new_account() -> Account:
        user = await register()
        return Account(id=user["id"], email=user["email"], headers=await login(user["email"]))

    return _new_account
