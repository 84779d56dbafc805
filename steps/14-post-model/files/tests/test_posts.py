"""The posts table: a foreign key on users.id, enforced by the database."""

import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.state import app_state


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
