"""GET /users/{public_id}."""

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from httpx import AsyncClient


async def test_a_user_is_found_by_public_id(
    client: AsyncClient, register: Callable[..., Awaitable[dict[str, Any]]]
) -> None:
    user = await register()
    response = await client.get(f"/users/{user['id']}")
    assert response.status_code == 200
    # Anyone may look a user up; only the user sees their email (at /users/me).
    assert response.json() == {"id": user["id"], "created_at": user["created_at"]}


async def test_an_unknown_public_id_is_404(client: AsyncClient) -> None:
    response = await client.get(f"/users/{uuid.uuid4()}")
    assert response.status_code == 404
    assert response.json() == {"detail": "User not found"}


async def test_an_integer_id_is_not_a_valid_identifier(
    client: AsyncClient, register: Callable[..., Awaitable[dict[str, Any]]]
) -> None:
    await register()  # internal id 1 exists, but internal ids are not addresses
    response = await client.get("/users/1")
    assert response.status_code == 422
