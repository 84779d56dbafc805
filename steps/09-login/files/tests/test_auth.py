"""POST /users/login."""

from collections.abc import Awaitable, Callable
from typing import Any

import jwt
import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from app.core.config import Settings
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
    hasher = app.state.hasher
    calls: list[str] = []
    real_verify = hasher.verify

    async def counting_verify(password: str, hashed: str) -> bool:
        calls.append(hashed)
        return bool(await real_verify(password, hashed))

    monkeypatch.setattr(hasher, "verify", counting_verify)
    await client.post("/users/login", data={"username": "ghost@example.com", "password": "x"})
    assert len(calls) == 1


async def test_login_needs_both_form_fields(client: AsyncClient) -> None:
    response = await client.post("/users/login", data={"username": "a@example.com"})
    assert response.status_code == 422
