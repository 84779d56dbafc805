"""Concurrent requests: races on unique emails, many writers on SQLite."""

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable

from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import func, select

from app.core.state import app_state
from app.models.post import Post
from tests.helpers import PASSWORD, Account

NewAccount = Callable[[], Awaitable[Account]]


async def test_racing_registrations_of_one_email_create_one_user(client: AsyncClient) -> None:
    body = {"email": "race@example.com", "password": PASSWORD, "confirm_password": PASSWORD}
    responses = await asyncio.gather(
        *(client.post("/users/register", json=body) for _ in range(50))
    )
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 400: 49}, statuses
    for response in responses:
        if response.status_code == 400:
            assert response.json() == {"detail": "Email already registered"}


async def test_200_concurrent_posts_are_all_created(
    app: FastAPI, client: AsyncClient, new_account: NewAccount
) -> None:
    account = await new_account()
    responses = await asyncio.gather(
        *(
            client.post(
                "/posts", json={"title": f"post {i}", "content": "x"}, headers=account.headers
            )
            for i in range(200)
        )
    )
    assert Counter(r.status_code for r in responses) == {201: 200}
    assert len({r.json()["id"] for r in responses}) == 200
    async with app_state(app).session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Post)) == 200
