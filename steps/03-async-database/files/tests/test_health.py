"""Probes: /health (readiness, as /health/ready) and /health/live; a dead database is a 503."""

import socket

import pytest
from httpx import AsyncClient

from app.core.config import Settings
from app.main import create_app
from tests.helpers import lifespan_client


async def test_health_reports_the_database(client: AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize("path", ["/health", "/health/ready", "/health/live"])
async def test_probes_answer_head(path: str, client: AsyncClient) -> None:
    response = await client.head(path)
    assert response.status_code == 200
    assert response.content == b""


async def test_readiness_is_health(client: AsyncClient) -> None:
    assert (await client.get("/health/ready")).json() == {"status": "ok", "database": "ok"}


async def test_health_is_503_when_the_database_is_down(settings: Settings) -> None:
    with socket.socket() as sock:  # a port nobody listens on: connections are refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{port}/down_test"
    broken = settings.model_copy(update={"database_url": url})
    async with lifespan_client(create_app(broken)) as client:
        response = await client.get("/health")
        live = await client.get("/health/live")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}
    assert live.status_code == 200  # the process is fine: no reason to restart it
    assert live.json() == {"status": "ok"}
