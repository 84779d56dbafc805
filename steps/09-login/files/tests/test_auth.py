"""POST /users/login."""

from collections.abc import Awaitable, Callable
from typing import Any

import jwt
import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select

from app.core.config import Settings
from app.core.state import app_state
from app.models.user import User
from tests.helpers import PASSWORD

Register = Callable[..., Awaitable[dict[str, Any]]]


async def test_login_returns_a_bearer_token(client: AsyncClient, register: Register) -> None:
    user = await register()
    response = await client.post(
        "/users/login", data={"username": user["email"], "password": PASSWORD}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert set(body) == {"access_token", "token_type"}


async def test_the_token_identifies_the_user_by_public_id(
    client: AsyncClient, register: Register, settings: Settings
) -> None:
    user = await register()
    response = await client.post(
        "/users/login", data={"username": user["email"], "password": PASSWORD}
    )
    claims = jwt.decode(
        response.json()["access_token"],
        settings.secret_key.get_secret_value(),
        algorithms=["HS256"],
    )
    assert claims["sub"] == user["id"]
    assert claims["exp"] - claims["iat"] == settings.access_token_expire_minutes * 60


async def test_login_accepts_the_email_in_any_case(client: AsyncClient, register: Register) -> None:
    user = await register()
    response = await client.post(
        "/users/login", data={"username": user["email"].upper(), "password": PASSWORD}
    )
    assert response.status_code == 200


async def test_wrong_password_and_unknown_email_get_the_same_401(
    client: AsyncClient, register: Register
) -> None:
    user = await register()
    wrong_password = await client.post(
        "/users/login", data={"username": user["email"], "password": "not-the-password"}
    )
    unknown_email = await client.post(
        "/users/login", data={"username": "nobody@example.com", "password": PASSWORD}
    )
    for response in (wrong_password, unknown_email):
        assert response.status_code == 401
        assert response.json() == {"detail": "Incorrect email or password"}
        assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_an_unknown_email_still_pays_for_a_verification(
    app: FastAPI, client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    hasher = app_state(app).hasher
    calls: list[str] = []
    real_verify = hasher.verify

    async def counting_verify(password: str, hashed: str) -> tuple[bool, str | None]:
        calls.append(hashed)
        return await real_verify(password, hashed)

    monkeypatch.setattr(hasher, "verify", counting_verify)
    await client.post("/users/login", data={"username": "ghost@example.com", "password": "x"})
    assert len(calls) == 1


async def test_login_needs_both_form_fields(client: AsyncClient) -> None:
    response = await client.post("/users/login", data={"username": "a@example.com"})
    assert response.status_code == 422


async def test_a_hash_made_with_weaker_parameters_is_upgraded_at_login(
    app: FastAPI, client: AsyncClient, settings: Settings
) -> None:
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    old = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=16, parallelism=2),))
    async with app_state(app).session_factory() as session:
        session.add(User(email="old@example.com", hashed_password=old.hash(PASSWORD)))
        await session.commit()
    response = await client.post(
        "/users/login", data={"username": "old@example.com", "password": PASSWORD}
    )
    assert response.status_code == 200
    async with app_state(app).session_factory() as session:
        stored = await session.scalar(select(User.hashed_password))
    assert stored is not None and "m=8,t=1,p=1" in stored  # the settings' parameters now
    again = await client.post(
        "/users/login", data={"username": "old@example.com", "password": PASSWORD}
    )
    assert again.status_code == 200  # the new hash verifies


async def test_a_current_hash_is_left_alone_at_login(
    app: FastAPI, client: AsyncClient, register: Register
) -> None:
    user = await register()
    async with app_state(app).session_factory() as session:
        before = await session.scalar(select(User.hashed_password))
    await client.post("/users/login", data={"username": user["email"], "password": PASSWORD})
    async with app_state(app).session_factory() as session:
        assert await session.scalar(select(User.hashed_password)) == before
