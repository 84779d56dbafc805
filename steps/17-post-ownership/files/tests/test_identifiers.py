"""The identifier rule: integer ids stay inside the database; the API only shows public UUIDs."""

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import jwt
from fastapi import FastAPI
from httpx import AsyncClient, Response
from sqlalchemy import select

from app.core.state import app_state
from app.models.post import Post
from app.models.user import User
from tests.helpers import PASSWORD, Account

NewAccount = Callable[[], Awaitable[Account]]


def _integers(value: Any, path: str = "$") -> list[str]:
    """Paths of every integer in a JSON document (booleans are not integers here)."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _integers(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _integers(v, f"{path}[{i}]")]
    return []


def _ids(value: Any) -> list[str]:
    """Every value of a key named `id` in a JSON document."""
    if isinstance(value, dict):
        return [v for k, v in value.items() if k == "id"] + [
            i for v in value.values() for i in _ids(v)
        ]
    if isinstance(value, list):
        return [i for v in value for i in _ids(v)]
    return []


async def test_no_response_contains_an_integer_id(
    client: AsyncClient, new_account: NewAccount
) -> None:
    alice, bob = await new_account(), await new_account()
    created = await client.post(
        "/posts", json={"title": "t", "content": "c"}, headers=alice.headers
    )
    post_id = created.json()["id"]
    responses: dict[str, Response] = {
        "health": await client.get("/health"),
        "register": await client.post(
            "/users/register",
            json={"email": "x@example.com", "password": PASSWORD, "confirm_password": PASSWORD},
        ),
        "login": await client.post(
            "/users/login", data={"username": alice.email, "password": PASSWORD}
        ),
        "me": await client.get("/users/me", headers=alice.headers),
        "user": await client.get(f"/users/{alice.id}"),
        "create post": created,
        "list posts": await client.get("/posts"),
        "list by author": await client.get("/posts", params={"author_id": alice.id}),
        "read post": await client.get(f"/posts/{post_id}"),
        "update post": await client.patch(
            f"/posts/{post_id}", json={"title": "u"}, headers=alice.headers
        ),
        "forbidden": await client.delete(f"/posts/{post_id}", headers=bob.headers),
        "delete post": await client.delete(f"/posts/{post_id}", headers=alice.headers),
        "not found": await client.get(f"/posts/{post_id}"),
    }
    for name, response in responses.items():
        assert response.status_code < 500, name
        body = response.json() if response.content else None
        assert _integers(body) == [], (name, body)
        for value in _ids(body):
            assert uuid.UUID(value).version == 4, (name, value)


async def test_ids_in_json_are_the_public_ids(
    app: FastAPI, client: AsyncClient, new_account: NewAccount
) -> None:
    account = await new_account()
    post = (
        await client.post("/posts", json={"title": "t", "content": "c"}, headers=account.headers)
    ).json()
    async with app_state(app).session_factory() as session:
        user = (await session.execute(select(User))).scalar_one()
        row = (await session.execute(select(Post))).scalar_one()
    assert account.id == str(user.public_id)
    assert post["id"] == str(row.public_id)
    assert post["author"]["id"] == str(user.public_id)
    assert row.author_id == user.id  # the foreign key is the integer id


async def test_the_token_subject_is_the_public_id(
    client: AsyncClient, new_account: NewAccount
) -> None:
    account = await new_account()
    token = account.headers["Authorization"].removeprefix("Bearer ")
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["sub"] == account.id


async def test_public_ids_are_random_v4_uuids(
    client: AsyncClient, register: Callable[..., Awaitable[dict[str, Any]]]
) -> None:
    first, second = await register(), await register()
    assert uuid.UUID(first["id"]).version == uuid.UUID(second["id"]).version == 4
    assert first["id"] != second["id"]
