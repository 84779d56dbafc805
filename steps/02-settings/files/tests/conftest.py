"""Shared fixtures: test settings, an app built from them, a client talking to it in-process."""

from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from app.core.config import Settings
from app.main import create_app


@pytest.fixture
def settings() -> Settings:
    """Settings for tests."""
    return Settings(
        _env_file=None,  # a developer's .env must not change the tests
        debug=False,
    )


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    """A fresh app built from the test settings."""
    return create_app(settings)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[AsyncClient]:
    """A client for the app: no server, no network, the ASGI app called directly."""
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        yield client
