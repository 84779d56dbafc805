"""The engine and sessions: SQLite set up for concurrency, one session per request."""

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import text

from app.core.config import Settings
from app.core.state import app_state


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
