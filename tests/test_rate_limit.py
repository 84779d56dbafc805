"""Login attempts per client address are limited: 429 with Retry-After past the limit."""

from typing import Any

from httpx import AsyncClient

from app.core.config import Settings
from app.main import create_app
from tests.helpers import lifespan_client


async def test_logins_past_the_rate_limit_get_429_with_retry_after(
    settings: Settings, register: Any
) -> None:
    limited = settings.model_copy(update={"login_rate_limit": "3/minute"})
    async with lifespan_client(create_app(limited)) as client:
        form = {"username": "nobody@example.com", "password": "wrong-password"}
        statuses = [(await client.post("/users/login", data=form)).status_code for _ in range(3)]
        refused = await client.post("/users/login", data=form)
    assert statuses == [401, 401, 401]
    assert refused.status_code == 429
    assert refused.json() == {"detail": "Too many login attempts; try again later"}
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


async def test_the_rate_limit_is_per_client_address(settings: Settings) -> None:
    from asgi_lifespan import LifespanManager
    from httpx import ASGITransport

    app = create_app(settings.model_copy(update={"login_rate_limit": "1/minute"}))
    form = {"username": "nobody@example.com", "password": "wrong-password"}
    async with LifespanManager(app) as manager:
        statuses = []
        for address in ("10.0.0.1", "10.0.0.2", "10.0.0.1"):
            transport = ASGITransport(app=manager.app, client=(address, 1234))
            async with AsyncClient(transport=transport, base_url="http://test") as client:
                statuses.append((await client.post("/users/login", data=form)).status_code)
    assert statuses == [401, 401, 429]
