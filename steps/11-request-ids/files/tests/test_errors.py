"""Request ids: echoed when safe, made when absent."""

import re

import pytest
from httpx import AsyncClient


async def test_the_request_id_is_echoed(client: AsyncClient) -> None:
    response = await client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"


async def test_a_request_id_is_made_when_absent(client: AsyncClient) -> None:
    first = (await client.get("/health")).headers["X-Request-ID"]
    second = (await client.get("/health")).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


@pytest.mark.parametrize("bad", ["x" * 200, "has space", "new\nline", "semi;colon"])
async def test_an_unsafe_request_id_is_replaced(bad: str, client: AsyncClient) -> None:
    response = await client.get("/health", headers={"X-Request-ID": bad.encode().decode()})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])
