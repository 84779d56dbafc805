"""Probes: /health (readiness, as /health/ready) and /health/live; a dead database is a 503."""

import socket
import time

import pytest
from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.api import health as health_module
from app.core.config import Settings
from app.core.state import app_state
from app.main import create_app
from tests.helpers import TcpProxy, blackhole, lifespan_client


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


def test_the_database_check_gives_up_well_within_a_probe_timeout() -> None:
    assert health_module.DATABASE_CHECK_SECONDS <= 1.0


async def test_a_database_that_never_answers_is_a_503_within_2_s(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A shorter check than the default keeps the suite fast; the default is checked above.
    monkeypatch.setattr(health_module, "DATABASE_CHECK_SECONDS", 0.2)
    with blackhole() as port:
        url = f"postgresql+asyncpg://postgres@127.0.0.1:{port}/hung_test"
        async with lifespan_client(
            create_app(settings.model_copy(update={"database_url": url}))
        ) as client:
            started = time.perf_counter()
            health = await client.get("/health")
            seconds = time.perf_counter() - started
    assert health.status_code == 503
    assert seconds < 2.0


async def test_requests_fail_after_the_connect_timeout_instead_of_hanging(
    settings: Settings,
) -> None:
    with blackhole() as port:
        url = f"postgresql+asyncpg://postgres@127.0.0.1:{port}/hung_test"
        hung = settings.model_copy(update={"database_url": url, "db_connect_timeout": 0.1})
        async with lifespan_client(create_app(hung), raise_app_exceptions=False) as client:
            started = time.perf_counter()
            read = await client.get("/posts")
            seconds = time.perf_counter() - started
    assert read.status_code == 500
    assert seconds < 2.0


@pytest.fixture
def postgres_url(settings: Settings) -> str:
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("needs the suite on PostgreSQL (TEST_DATABASE_URL)")
    return settings.database_url


async def test_a_database_that_stops_answering_is_a_503_within_2_s(
    postgres_url: str, settings: Settings
) -> None:
    url = make_url(postgres_url)
    async with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        app = create_app(settings.model_copy(update={"database_url": proxied}))
        async with lifespan_client(app) as client:
            assert (await client.get("/health")).status_code == 200  # a pooled connection now
            proxy.freeze()
            started = time.perf_counter()
            response = await client.get("/health")
            seconds = time.perf_counter() - started
    assert response.status_code == 503
    assert seconds < 2.0


async def test_a_statement_past_the_statement_timeout_is_cancelled(
    postgres_url: str, settings: Settings
) -> None:
    app = create_app(settings.model_copy(update={"db_statement_timeout": 0.2}))
    async with lifespan_client(app):
        started = time.perf_counter()
        async with app_state(app).engine.connect() as connection:
            with pytest.raises(TimeoutError):
                await connection.execute(text("SELECT pg_sleep(5)"))
    assert time.perf_counter() - started < 2.0
