"""Shared fixtures: an HTTP client that talks to the app in-process."""

from collections.abc import AsyncIterator

import pytest
from httpx import ASGITransport, AsyncClient

from app.main import app


@pytest.fixture
async def client() -> AsyncIterator[AsyncClient]:
    """A client for the app: no server, no network, the ASGI app called directly."""
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        yield client
