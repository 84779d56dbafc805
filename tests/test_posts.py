"""The posts API: create, list, read, update, delete; only the author may change a post."""

import asyncio
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import Connection, event, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.state import app_state
from app.services.post_service import PostService
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


async def test_read_a_post(client: AsyncClient, new_account: NewAccount) -> None:
    post = await _create(client, await new_account())
    response = await client.get(f"/posts/{post['id']}")
    assert response.status_code == 200
    assert response.json() == post


async def test_read_an_unknown_post_is_404(client: AsyncClient) -> None:
    response = await client.get(f"/posts/{uuid.uuid4()}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Post not found"}


async def test_list_is_newest_first(client: AsyncClient, new_account: NewAccount) -> None:
    account = await new_account()
    created = [await _create(client, account, title=f"post {i}") for i in range(3)]
    response = await client.get("/posts")
    assert response.status_code == 200
    assert [p["id"] for p in response.json()] == [p["id"] for p in reversed(created)]


async def test_list_orders_by_creation_time_not_by_id(
    app: FastAPI, client: AsyncClient, new_account: NewAccount
) -> None:
    account = await new_account()
    first, second = await _create(client, account), await _create(client, account)
    async with app_state(app).engine.begin() as connection:  # the older id becomes the newer post
        await connection.execute(
            text("UPDATE posts SET created_at = :t WHERE public_id = :id"),
            {"t": datetime(2999, 1, 1, tzinfo=UTC), "id": uuid.UUID(first["id"]).hex},
        )
    response = await client.get("/posts")
    assert [p["id"] for p in response.json()] == [first["id"], second["id"]]


async def test_posts_created_at_the_same_instant_list_the_later_one_first(
    app: FastAPI, client: AsyncClient, new_account: NewAccount
) -> None:
    # Pages are stable only if ties have an order: without one, a post could show on two pages.
    account = await new_account()
    created = [await _create(client, account, title=f"post {i}") for i in range(4)]
    async with app_state(app).engine.begin() as connection:
        await connection.execute(
            text("UPDATE posts SET created_at = :t"), {"t": datetime(2030, 1, 1, tzinfo=UTC)}
        )
    response = await client.get("/posts")
    assert [p["id"] for p in response.json()] == [p["id"] for p in reversed(created)]


async def test_list_paginates(client: AsyncClient, new_account: NewAccount) -> None:
    account = await new_account()
    created = [await _create(client, account, title=f"post {i}") for i in range(5)]
    newest_first = [p["id"] for p in reversed(created)]
    page = await client.get("/posts", params={"limit": 2, "offset": 1})
    assert [p["id"] for p in page.json()] == newest_first[1:3]
    past_the_end = await client.get("/posts", params={"limit": 2, "offset": 5})
    assert past_the_end.json() == []


async def test_list_defaults_to_20(client: AsyncClient, new_account: NewAccount) -> None:
    account = await new_account()
    for i in range(21):
        await _create(client, account, title=f"post {i}")
    assert len((await client.get("/posts")).json()) == 20


@pytest.mark.parametrize("params", [{"limit": 101}, {"limit": 0}, {"offset": -1}])
async def test_list_caps_the_page_size(params: dict[str, int], client: AsyncClient) -> None:
    response = await client.get("/posts", params=params)
    assert response.status_code == 422


async def test_list_filters_by_author(client: AsyncClient, new_account: NewAccount) -> None:
    alice, bob = await new_account(), await new_account()
    await _create(client, alice, title="by alice")
    await _create(client, bob, title="by bob")
    response = await client.get("/posts", params={"author_id": bob.id})
    assert [p["title"] for p in response.json()] == ["by bob"]
    nobody = await client.get("/posts", params={"author_id": str(uuid.uuid4())})
    assert nobody.json() == []


async def test_list_rejects_an_integer_author_id(client: AsyncClient) -> None:
    response = await client.get("/posts", params={"author_id": 1})
    assert response.status_code == 422


@pytest.fixture
def statements(app: FastAPI, client: AsyncClient) -> Iterator[list[str]]:
    """The SQL statements the app runs during the test."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])

    sync_engine = app_state(app).engine.sync_engine
    event.listen(sync_engine, "before_cursor_execute", record)
    yield seen
    event.remove(sync_engine, "before_cursor_execute", record)


async def test_list_runs_one_query_whatever_the_number_of_authors(
    client: AsyncClient, new_account: NewAccount, statements: list[str]
) -> None:
    for account in [await new_account() for _ in range(4)]:
        await _create(client, account)
        await _create(client, account)
    statements.clear()
    response = await client.get("/posts")
    assert len(response.json()) == 8
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1, selects  # posts JOIN users: no N+1, no lazy loads


async def test_read_runs_one_query(
    client: AsyncClient, new_account: NewAccount, statements: list[str]
) -> None:
    post = await _create(client, await new_account())
    statements.clear()
    await client.get(f"/posts/{post['id']}")
    assert len(statements) == 1


async def test_the_author_updates_some_fields(client: AsyncClient, new_account: NewAccount) -> None:
    account = await new_account()
    post = await _create(client, account, title="Old", content="Body")
    response = await client.patch(
        f"/posts/{post['id']}", json={"title": "New"}, headers=account.headers
    )
    assert response.status_code == 200
    assert response.json() == post | {"title": "New"}
    assert (await client.get(f"/posts/{post['id']}")).json()["title"] == "New"


@pytest.mark.parametrize("body", [{"title": None}, {"content": None}, {"title": ""}])
async def test_update_rejects_nulls_and_empty_fields(
    body: dict[str, Any], client: AsyncClient, new_account: NewAccount
) -> None:
    account = await new_account()
    post = await _create(client, account)
    response = await client.patch(f"/posts/{post['id']}", json=body, headers=account.headers)
    assert response.status_code == 422


async def test_another_user_cannot_update(client: AsyncClient, new_account: NewAccount) -> None:
    author, other = await new_account(), await new_account()
    post = await _create(client, author, title="Mine")
    response = await client.patch(
        f"/posts/{post['id']}", json={"title": "Stolen"}, headers=other.headers
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "Only the author can change this post"}
    assert (await client.get(f"/posts/{post['id']}")).json() == post


async def test_update_needs_a_token(client: AsyncClient, new_account: NewAccount) -> None:
    post = await _create(client, await new_account())
    response = await client.patch(f"/posts/{post['id']}", json={"title": "x"})
    assert response.status_code == 401


async def test_update_an_unknown_post_is_404(client: AsyncClient, new_account: NewAccount) -> None:
    account = await new_account()
    response = await client.patch(
        f"/posts/{uuid.uuid4()}", json={"title": "x"}, headers=account.headers
    )
    assert response.status_code == 404


async def test_the_author_deletes(client: AsyncClient, new_account: NewAccount) -> None:
    account = await new_account()
    post = await _create(client, account)
    response = await client.delete(f"/posts/{post['id']}", headers=account.headers)
    assert response.status_code == 204
    assert response.content == b""
    assert (await client.get(f"/posts/{post['id']}")).status_code == 404
    again = await client.delete(f"/posts/{post['id']}", headers=account.headers)
    assert again.status_code == 404


async def test_another_user_cannot_delete(client: AsyncClient, new_account: NewAccount) -> None:
    author, other = await new_account(), await new_account()
    post = await _create(client, author)
    response = await client.delete(f"/posts/{post['id']}", headers=other.headers)
    assert response.status_code == 403
    assert (await client.get(f"/posts/{post['id']}")).json() == post


async def test_delete_needs_a_token(client: AsyncClient, new_account: NewAccount) -> None:
    post = await _create(client, await new_account())
    assert (await client.delete(f"/posts/{post['id']}")).status_code == 401


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


async def test_deleting_a_user_deletes_their_posts(
    app: FastAPI, client: AsyncClient, new_account: NewAccount
) -> None:
    author, other = await new_account(), await new_account()
    mine = await _create(client, author)
    theirs = await _create(client, other)
    async with app_state(app).engine.begin() as connection:  # the database's own cascade
        await connection.execute(text("DELETE FROM users WHERE email = :e"), {"e": author.email})
    assert (await client.get(f"/posts/{mine['id']}")).status_code == 404
    assert (await client.get(f"/posts/{theirs['id']}")).status_code == 200


async def test_of_racing_deletes_exactly_one_wins(
    client: AsyncClient, new_account: NewAccount
) -> None:
    account = await new_account()
    post = await _create(client, account)
    responses = await asyncio.gather(
        *(client.delete(f"/posts/{post['id']}", headers=account.headers) for _ in range(10))
    )
    assert Counter(r.status_code for r in responses) == {204: 1, 404: 9}


async def test_patch_racing_delete_never_answers_500(
    client: AsyncClient, new_account: NewAccount
) -> None:
    account = await new_account()
    seen: Counter[str] = Counter()
    for _ in range(10):
        post = await _create(client, account)
        url = f"/posts/{post['id']}"
        patch, delete, late = await asyncio.gather(
            client.patch(url, json={"title": "racing"}, headers=account.headers),
            client.delete(url, headers=account.headers),
            client.patch(url, json={"title": "late"}, headers=account.headers),
        )
        seen.update(f"{r.request.method} {r.status_code}" for r in (patch, delete, late))
    assert seen["DELETE 204"] == 10
    assert set(seen) <= {"PATCH 200", "PATCH 404", "DELETE 204"}, seen


async def test_patch_of_a_post_deleted_after_it_was_read_is_404(
    app: FastAPI, client: AsyncClient, new_account: NewAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Deterministic form of the race: the row goes away between the service's read and its write.
    account = await new_account()
    post = await _create(client, account)
    real_get = PostService.get

    async def get_then_lose_the_row(self: PostService, public_id: uuid.UUID) -> Any:
        found = await real_get(self, public_id)
        async with app_state(app).engine.begin() as connection:
            await connection.execute(text("DELETE FROM posts"))
        return found

    monkeypatch.setattr(PostService, "get", get_then_lose_the_row)
    patched = await client.patch(
        f"/posts/{post['id']}", json={"title": "x"}, headers=account.headers
    )
    deleted = await client.delete(f"/posts/{post['id']}", headers=account.headers)
    assert (patched.status_code, deleted.status_code) == (404, 404)


async def test_the_list_never_loads_emails_or_password_hashes(
    client: AsyncClient, new_account: NewAccount, statements: list[str]
) -> None:
    await _create(client, await new_account())
    statements.clear()
    await client.get("/posts")
    [select] = statements
    assert "hashed_password" not in select and "email" not in select


async def test_the_list_is_read_through_the_created_at_index(engine: AsyncEngine) -> None:
    def indexes(connection: Connection) -> list[dict[str, Any]]:
        return [dict(index) for index in inspect(connection).get_indexes("posts")]

    async with engine.connect() as connection:
        found = await connection.run_sync(indexes)
    assert {"name": "ix_posts_created_at", "column_names": ["created_at"], "unique": False} in [
        {key: index[key] for key in ("name", "column_names", "unique")} for index in found
    ]
