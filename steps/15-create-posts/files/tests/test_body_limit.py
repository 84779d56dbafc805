"""Bodies over MAX_BODY_BYTES get 413, before anything parses them."""

from typing import Any

from app.core.config import Settings
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
