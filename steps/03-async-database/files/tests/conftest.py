"""Shared fixtures: a test database, an app client with its lifespan running."""

from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from app.core.config import Settings
from app.main import create_app
from tests.helpers import lifespan_client


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh SQLite file for this run."""
    return f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings for tests: the test database."""
    return Settings(
        _env_file=None,  # a developer's .env must not change the tests
        database_url=database_url,
        debug=False,
    )


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    """A fresh app built from the test settings."""
    return create_app(settings)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[AsyncClient]:
    """A client for the app, lifespan included."""
    async with lifespan_client(app) as client:
        yield client
