"""The posts API: create."""

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.state import app_state
from tests.helpers import Account

NewAccount = Callable[[], Awaitable[Account]]


async def _create(client: AsyncClient, account: Account, **changes: str) -> dict[str, Any]:
    body = {"title": "Hello", "content": "First post"} | changes
    response = await client.post("/posts", json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


async def test_create_returns_the_post_with_its_author(
    client: AsyncClient, new_account: NewAccount
) -> None:
    account = await new_account()
    post = await _create(client, account, title="Async", content="is fun")
    assert set(post) == {"id", "title", "content", "created_at", "author"}
    assert post["title"] == "Async"
    assert post["content"] == "is fun"
    assert post["author"] == {"id": account.id}  # the author's email stays private
    assert uuid.UUID(post["id"]).version == 4


async def test_create_needs_a_token(client: AsyncClient) -> None:
    response = await client.post("/posts", json={"title": "t", "content": "c"})
    assert response.status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {"title": "", "content": "c"},
        {"title": "t" * 201, "content": "c"},
        {"title": "t", "content": "c" * 10_001},
        {"title": "t", "content": ""},
        {"title": "t"},
        {"content": "c"},
    ],
)
async def test_create_validates_the_body(
    body: dict[str, str], client: AsyncClient, new_account: NewAccount
) -> None:
    account = await new_account()
    response = await client.post("/posts", json=body, headers=account.headers)
    assert response.status_code == 422


async def test_posts_reference_users_by_integer_id(engine: AsyncEngine) -> None:
    def foreign_keys(connection: Connection) -> list[dict[str, Any]]:
        return [dict(fk) for fk in inspect(connection).get_foreign_keys("posts")]

    async with engine.connect() as connection:
        [fk] = await connection.run_sync(foreign_keys)
    assert fk["name"] == "fk_posts_author_id_users"
    assert fk["constrained_columns"] == ["author_id"]
    assert (fk["referred_table"], fk["referred_columns"]) == ("users", ["id"])


async def test_the_database_enforces_the_author_foreign_key(
    app: FastAPI, client: AsyncClient
) -> None:
    # On SQLite this holds only because every connection sends PRAGMA foreign_keys=ON.
    async with app_state(app).engine.connect() as connection:
        with pytest.raises(IntegrityError):
            await connection.execute(
                text(
                    "INSERT INTO posts (public_id, title, content, author_id, created_at) "
                    "VALUES (:public_id, 't', 'c', 424242, CURRENT_TIMESTAMP)"
                ),
                {"public_id": uuid.uuid4().hex},
            )


async def test_the_list_is_read_through_the_created_at_index(engine: AsyncEngine) -> None:
    def indexes(connection: Connection) -> list[dict[str, Any]]:
        return [dict(index) for index in inspect(connection).get_indexes("posts")]

    async with engine.connect() as connection:
        found = await connection.run_sync(indexes)
    assert {"name": "ix_posts_created_at", "column_names": ["created_at"], "unique": False} in [
        {key: index[key] for key in ("name", "column_names", "unique")} for index in found
    ]
