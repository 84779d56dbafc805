"""Login attempts per client address are limited: 429 with Retry-After past the limit."""

from typing import Any

import pytest
from asgi_lifespan import LifespanManager
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


class _Clock:
    """`time.time` for the limiter and its storage, moved by hand."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def time(self) -> float:
        return self.now


async def test_retry_after_counts_down_to_when_the_oldest_attempt_leaves_the_window(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import limits.aio.storage.memory

    from app.core import rate_limit

    clock = _Clock()
    monkeypatch.setattr(limits.aio.storage.memory, "time", clock)
    monkeypatch.setattr(rate_limit, "time", clock)
    limiter = rate_limit.LoginRateLimiter("2/minute")
    assert await limiter.retry_after("10.0.0.1") is None
    clock.now += 10
    assert await limiter.retry_after("10.0.0.1") is None
    clock.now += 15
    assert await limiter.retry_after("10.0.0.1") == 35  # the first attempt leaves at 60 s
    clock.now += 34.5
    assert await limiter.retry_after("10.0.0.1") == 1  # half a second left: try in 1 s
    clock.now += 1
    assert await limiter.retry_after("10.0.0.1") is None  # it left: room for one again


async def test_clients_without_an_address_are_limited_together(settings: Settings) -> None:
    # Over a Unix socket, ASGI servers give no client address.
    app = create_app(settings.model_copy(update={"login_rate_limit": "1/minute"}))
    body = b"username=nobody%40example.com&password=wrong-password"
    statuses: list[int] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, object]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(int(message["status"]))  # type: ignore[call-overload]

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/users/login", "raw_path": b"/users/login",
        "query_string": b"", "client": None, "server": ("test", 80),
        "headers": [(b"host", b"test"),
                    (b"content-type", b"application/x-www-form-urlencoded")],
    }  # fmt: skip
    async with LifespanManager(app) as manager:
        for _ in range(2):
            await manager.app(dict(scope), receive, send)  # type: ignore[arg-type]
    assert statuses == [401, 429]
