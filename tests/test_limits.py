"""Limits that keep a burst from starving the app: body size, login rate, the hashing queue."""

import asyncio
import threading
from typing import Any

import pytest
from httpx import AsyncClient

from app.core.config import Settings
from app.core.security import HashingBusyError, PasswordHasher
from app.core.state import app_state
from app.main import create_app
from tests.helpers import PASSWORD, lifespan_client


async def test_a_body_over_the_limit_gets_413_unparsed(settings: Settings) -> None:
    small = settings.model_copy(update={"max_body_bytes": 1000})
    async with lifespan_client(create_app(small)) as client:
        body = {"email": "big@example.com", "password": "x" * 2000, "confirm_password": "x"}
        too_big = await client.post("/users/register", json=body)
        fits = await client.post(
            "/users/register",
            json={"email": "ok@example.com", "password": PASSWORD, "confirm_password": PASSWORD},
        )
    assert too_big.status_code == 413
    assert fits.status_code == 201


async def test_a_streamed_body_without_length_is_cut_at_the_limit(settings: Settings) -> None:
    small = settings.model_copy(update={"max_body_bytes": 1000})

    async def chunks() -> Any:
        for _ in range(10):
            yield b"x" * 500

    async with lifespan_client(create_app(small)) as client:
        response = await client.post(
            "/posts", content=chunks(), headers={"Content-Type": "application/json"}
        )
    assert response.status_code == 413


def test_the_default_body_limit_is_one_mebibyte() -> None:
    assert Settings(_env_file=None).max_body_bytes == 1024 * 1024


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


class _BlockedHash:
    """A hashing backend whose calls wait until released: the threads look busy."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.started = threading.Semaphore(0)

    def hash(self, password: str) -> str:
        self.started.release()
        self.release.wait(timeout=10)
        return "hashed"

    def verify_and_update(self, password: str, hashed: str) -> tuple[bool, None]:
        self.hash(password)
        return False, None


async def test_the_hashing_queue_is_bounded(settings: Settings) -> None:
    hasher = PasswordHasher(settings.model_copy(update={"hash_threads": 1, "hash_queue_size": 1}))
    blocked = _BlockedHash()
    hasher._hash = blocked  # type: ignore[assignment]
    try:
        running = asyncio.ensure_future(hasher.hash("a"))  # takes the one thread
        waiting = asyncio.ensure_future(hasher.hash("b"))  # waits in the queue
        await asyncio.to_thread(blocked.started.acquire)
        with pytest.raises(HashingBusyError):
            await hasher.hash("c")  # nowhere to wait: refused at once
        blocked.release.set()
        assert await asyncio.gather(running, waiting) == ["hashed", "hashed"]
        assert await hasher.hash("d") == "hashed"  # room again
    finally:
        blocked.release.set()
        hasher.close()


async def test_register_answers_503_with_retry_after_when_hashing_is_full(
    settings: Settings,
) -> None:
    app = create_app(settings.model_copy(update={"hash_threads": 1, "hash_queue_size": 0}))
    async with lifespan_client(app) as client:
        blocked = _BlockedHash()
        hasher = app_state(app).hasher
        real = hasher._hash
        hasher._hash = blocked  # type: ignore[assignment]
        body = {"email": "first@example.com", "password": PASSWORD, "confirm_password": PASSWORD}
        first = asyncio.create_task(client.post("/users/register", json=body))
        await asyncio.to_thread(blocked.started.acquire)
        busy = await client.post("/users/register", json=body | {"email": "second@example.com"})
        login = await client.post(
            "/users/login", data={"username": "x@example.com", "password": "y"}
        )
        blocked.release.set()
        assert (await first).status_code == 201
        hasher._hash = real
    assert busy.status_code == 503
    assert busy.headers["Retry-After"] == "1"
    assert login.status_code == 503
