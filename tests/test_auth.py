"""POST /users/login, GET /users/me, and attacks on the JWT."""

import base64
import json
import uuid
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import delete, select

from app.core.config import Settings
from app.core.state import app_state
from app.models.user import User
from tests.helpers import PASSWORD, Account

Register = Callable[..., Awaitable[dict[str, Any]]]
NewAccount = Callable[[], Awaitable[Account]]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _claims(sub: str, **changes: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {"sub": sub, "iat": now, "exp": now + timedelta(minutes=5)} | changes


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


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


async def test_me_returns_the_logged_in_user(client: AsyncClient, new_account: NewAccount) -> None:
    account = await new_account()
    response = await client.get("/users/me", headers=account.headers)
    assert response.status_code == 200
    assert response.json()["id"] == account.id
    assert response.json()["email"] == account.email


async def test_me_without_a_token_is_401(client: AsyncClient) -> None:
    response = await client.get("/users/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def _tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = str(uuid.uuid4())
    return ".".join([header, _b64(claims), signature])


def _alg_none(sub: str) -> str:
    claims = _claims(sub)
    claims = {k: int(v.timestamp()) if isinstance(v, datetime) else v for k, v in claims.items()}
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."


BAD_TOKENS: dict[str, Callable[[str, str, str], str]] = {
    # (valid token, subject, secret) -> bad token
    "tampered payload": lambda token, sub, key: _tampered(token),
    "bad signature": lambda token, sub, key: (
        token[:-4] + ("AAAA" if token[-4:] != "AAAA" else "BBBB")
    ),
    "expired": lambda token, sub, key: jwt.encode(
        _claims(sub, exp=datetime.now(UTC) - timedelta(seconds=1)), key, "HS256"
    ),
    "alg none": lambda token, sub, key: _alg_none(sub),
    "wrong key": lambda token, sub, key: jwt.encode(_claims(sub), "another-key" * 4, "HS256"),
    "other algorithm": lambda token, sub, key: jwt.encode(_claims(sub), key, "HS512"),
    "no exp": lambda token, sub, key: jwt.encode({"sub": sub, "iat": datetime.now(UTC)}, key),
    "no iat": lambda token, sub, key: jwt.encode(
        {"sub": sub, "exp": datetime.now(UTC) + timedelta(minutes=5)}, key
    ),
    "no sub": lambda token, sub, key: jwt.encode(
        {"iat": datetime.now(UTC), "exp": datetime.now(UTC) + timedelta(minutes=5)}, key
    ),
    "sub not a uuid": lambda token, sub, key: jwt.encode(_claims("42"), key, "HS256"),
    "unknown sub": lambda token, sub, key: jwt.encode(_claims(str(uuid.uuid4())), key, "HS256"),
    "garbage": lambda token, sub, key: "not.a.jwt",
}


@pytest.mark.parametrize("attack", list(BAD_TOKENS))
async def test_bad_tokens_get_401(
    attack: str, client: AsyncClient, new_account: NewAccount, settings: Settings
) -> None:
    account = await new_account()
    token = account.headers["Authorization"].removeprefix("Bearer ")
    bad = BAD_TOKENS[attack](token, account.id, settings.secret_key.get_secret_value())
    response = await client.get("/users/me", headers=_bearer(bad))
    assert response.status_code == 401
    assert response.json() == {"detail": "Could not validate credentials"}
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_the_token_of_a_deleted_user_is_401(
    app: FastAPI, client: AsyncClient, new_account: NewAccount
) -> None:
    account = await new_account()
    async with app_state(app).session_factory() as session:
        await session.execute(delete(User).where(User.email == account.email))
        await session.commit()
    response = await client.get("/users/me", headers=account.headers)
    assert response.status_code == 401


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


async def test_tokens_are_signed_with_the_configured_algorithm(settings: Settings) -> None:
    from app.main import create_app
    from tests.helpers import lifespan_client

    hs512 = settings.model_copy(update={"algorithm": "HS512"})
    async with lifespan_client(create_app(hs512)) as client:
        body = {"email": "alg@example.com", "password": PASSWORD, "confirm_password": PASSWORD}
        assert (await client.post("/users/register", json=body)).status_code == 201
        form = {"username": "alg@example.com", "password": PASSWORD}
        token = (await client.post("/users/login", data=form)).json()["access_token"]
    assert jwt.get_unverified_header(token)["alg"] == "HS512"
    key = settings.secret_key.get_secret_value()
    assert jwt.decode(token, key, algorithms=["HS512"])["sub"]


@pytest.fixture
def far_from_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The server's local time zone is UTC+05:45 (a POSIX rule: no time zone database needed)."""
    import time

    monkeypatch.setenv("TZ", "XYZ-05:45")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("far_from_utc")
async def test_times_are_utc_whatever_the_servers_time_zone(
    client: AsyncClient, settings: Settings
) -> None:
    from datetime import UTC, datetime, timedelta  # (this file's step 9 has no datetime yet)

    body = {"email": "tz@example.com", "password": PASSWORD, "confirm_password": PASSWORD}
    user = (await client.post("/users/register", json=body)).json()
    form = {"username": "tz@example.com", "password": PASSWORD}
    token = (await client.post("/users/login", data=form)).json()["access_token"]
    now = datetime.now(UTC)
    assert abs(datetime.fromisoformat(user["created_at"]) - now) < timedelta(minutes=1)
    # A local time taken for UTC would put `iat` hours ahead: not yet valid.
    claims = jwt.decode(token, settings.secret_key.get_secret_value(), algorithms=["HS256"])
    assert abs(claims["iat"] - now.timestamp()) < 60
