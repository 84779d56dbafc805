"""GET /health."""

from httpx import AsyncClient

from app.core.config import Settings
from app.main import create_app
from tests.helpers import lifespan_client


async def test_health_reports_the_database(client: AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_health_is_503_when_the_database_is_down(settings: Settings) -> None:
    broken = settings.model_copy(
        update={"database_url": "sqlite+aiosqlite:////nonexistent-dir/nowhere/app.db"}
    )
    async with lifespan_client(create_app(broken)) as client:
        response = await client.get("/health")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}
