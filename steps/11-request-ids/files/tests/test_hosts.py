"""Only the configured hosts are answered (ALLOWED_HOSTS); others get 400."""

from httpx import AsyncClient

from app.core.config import Settings
from app.main import create_app
from tests.helpers import lifespan_client


async def test_an_unknown_host_gets_400(client: AsyncClient) -> None:
    response = await client.get("/health", headers={"Host": "evil.example"})
    assert response.status_code == 400


def test_by_default_only_localhost_is_served() -> None:
    assert Settings(_env_file=None).allowed_hosts == ["localhost", "127.0.0.1", "[::1]"]


async def test_a_wildcard_host_list_turns_the_check_off(settings: Settings) -> None:
    anything = settings.model_copy(update={"allowed_hosts": ["*"]})
    async with lifespan_client(create_app(anything)) as client:
        response = await client.get("/health", headers={"Host": "any.example"})
    assert response.status_code == 200
