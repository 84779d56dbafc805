"""POST /users/register."""

import uuid

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from app.core.state import app_state
from app.models.user import User


async def test_the_readme_request_registers_a_user(client: AsyncClient) -> None:
    # The exact request of the README's curl example (7-character password included).
    response = await client.post(
        "/users/register",
        json={"email": "demo@example.com", "password": "demo123", "confirm_password": "demo123"},
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "email", "created_at"}
    assert body["email"] == "demo@example.com"
    assert uuid.UUID(body["id"]).version == 4


async def test_the_password_is_stored_as_an_argon2_hash(app: FastAPI, client: AsyncClient) -> None:
    body = {"email": "hash@example.com", "password": "demo123", "confirm_password": "demo123"}
    await client.post("/users/register", json=body)
    async with app_state(app).session_factory() as session:
        user = (await session.execute(select(User))).scalar_one()
    assert user.hashed_password.startswith("$argon2id$")
    assert "demo123" not in user.hashed_password


async def test_a_duplicate_email_is_rejected(client: AsyncClient) -> None:
    body = {"email": "twice@example.com", "password": "demo123", "confirm_password": "demo123"}
    assert (await client.post("/users/register", json=body)).status_code == 201
    response = await client.post("/users/register", json=body)
    assert response.status_code == 400
    assert response.json() == {"detail": "Email already registered"}


async def test_emails_are_compared_without_case(client: AsyncClient) -> None:
    body = {"email": "Case@Example.com", "password": "demo123", "confirm_password": "demo123"}
    first = await client.post("/users/register", json=body)
    assert first.json()["email"] == "case@example.com"
    response = await client.post("/users/register", json=body | {"email": "CASE@example.COM"})
    assert response.status_code == 400


async def test_mismatched_passwords_get_a_clear_422(client: AsyncClient) -> None:
    response = await client.post(
        "/users/register",
        json={"email": "a@example.com", "password": "demo123", "confirm_password": "demo124"},
    )
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert "Passwords do not match" in error["msg"]
    # The error body does not echo the passwords back.
    assert "demo12" not in response.text


async def test_a_bad_email_gets_422(client: AsyncClient) -> None:
    response = await client.post(
        "/users/register",
        json={"email": "not-an-email", "password": "demo123", "confirm_password": "demo123"},
    )
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "email"]
    assert "email" in error["msg"]


async def test_a_short_password_gets_422(client: AsyncClient) -> None:
    response = await client.post(
        "/users/register",
        json={"email": "a@example.com", "password": "12345", "confirm_password": "12345"},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "password"]


async def test_missing_fields_get_422(client: AsyncClient) -> None:
    response = await client.post("/users/register", json={"email": "a@example.com"})
    assert response.status_code == 422
    locs = {tuple(error["loc"]) for error in response.json()["detail"]}
    assert locs == {("body", "password"), ("body", "confirm_password")}


async def test_a_password_longer_than_128_gets_422(client: AsyncClient) -> None:
    long = "p" * 129
    response = await client.post(
        "/users/register",
        json={"email": "long@example.com", "password": long, "confirm_password": long},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "password"]


async def test_database_errors_hide_their_parameters_outside_debug(
    app: FastAPI, client: AsyncClient
) -> None:
    # Defense in depth: an IntegrityError in the log must not carry the email or the hash.
    body = {"email": "dup@example.com", "password": "demo123", "confirm_password": "demo123"}
    await client.post("/users/register", json=body)
    async with app_state(app).engine.connect() as connection:
        with pytest.raises(IntegrityError) as raised:
            await connection.execute(
                text(
                    "INSERT INTO users (public_id, email, hashed_password, created_at) "
                    "VALUES (:id, :email, 'secret-hash', CURRENT_TIMESTAMP)"
                ),
                {"id": uuid.uuid4().hex, "email": "dup@example.com"},
            )
    assert "dup@example.com" not in str(raised.value)
    assert "hide_parameters=True" in str(raised.value)


def test_a_time_with_an_offset_keeps_it_and_a_naive_one_is_taken_as_utc() -> None:
    from datetime import UTC, datetime, timedelta, timezone

    from pydantic import TypeAdapter

    from app.schemas.common import UtcDatetime

    times = TypeAdapter(UtcDatetime)
    plus_two = datetime(2026, 1, 1, 12, tzinfo=timezone(timedelta(hours=2)))
    assert times.validate_python(plus_two) == plus_two  # the same instant: 10:00 UTC
    assert times.validate_python(datetime(2026, 1, 1, 12)) == datetime(2026, 1, 1, 12, tzinfo=UTC)
