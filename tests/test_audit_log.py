"""What the app's log says happened: one event per action, with ids, never personal data."""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from httpx import AsyncClient

from tests.helpers import PASSWORD, Account

NewAccount = Callable[[], Awaitable[Account]]
# What every record has; the rest came from `extra=`.
STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
}


@pytest.fixture(autouse=True)
def _app_logs_at_info(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="app")  # the lifespan sets it too, from step 11 on


def _events(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str, dict[str, Any]]]:
    """(logger, message, extras) of every record of the app's loggers."""
    return [
        (r.name, r.getMessage(), {k: v for k, v in vars(r).items() if k not in STANDARD})
        for r in caplog.records
        if r.name.startswith("app.")
    ]


async def test_registration_and_logins_are_logged_by_id(
    client: AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    body = {"email": "audit@example.com", "password": PASSWORD, "confirm_password": PASSWORD}
    user = (await client.post("/users/register", json=body)).json()
    await client.post("/users/login", data={"username": "audit@example.com", "password": "nope"})
    await client.post("/users/login", data={"username": "ghost@example.com", "password": "nope"})
    events = _events(caplog)
    [registered] = [e for e in events if e[1] == "user.registered"]
    assert registered[0] == "app.users"
    assert registered[2]["user_public_id"] == user["id"]
    assert isinstance(registered[2]["user_id"], int)
    failed = [e[2] for e in events if e[1] == "user.login_failed"]
    assert [f["reason"] for f in failed] == ["bad_password", "unknown_email"]
    assert failed[0]["user_id"] == registered[2]["user_id"]
    assert "user_id" not in failed[1]
    assert "audit@example.com" not in repr(events)  # ids, never the email


async def test_an_upgrade_at_login_is_logged_by_id(
    app: Any, client: AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    from app.core.state import app_state
    from app.models.user import User

    old = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=16, parallelism=2),))
    async with app_state(app).session_factory() as session:
        user = User(email="old-log@example.com", hashed_password=old.hash(PASSWORD))
        session.add(user)
        await session.commit()
    form = {"username": "old-log@example.com", "password": PASSWORD}
    assert (await client.post("/users/login", data=form)).status_code == 200
    [rehashed] = [e for e in _events(caplog) if e[1] == "user.password_rehashed"]
    assert rehashed[0] == "app.users"
    assert rehashed[2] == {"user_id": user.id}


async def test_post_changes_are_logged_by_id(
    client: AsyncClient, new_account: NewAccount, caplog: pytest.LogCaptureFixture
) -> None:
    account = await new_account()
    post = (
        await client.post("/posts", json={"title": "t", "content": "c"}, headers=account.headers)
    ).json()
    await client.patch(f"/posts/{post['id']}", json={"title": "u"}, headers=account.headers)
    await client.delete(f"/posts/{post['id']}", headers=account.headers)
    events = [(e[1], e[2]) for e in _events(caplog) if e[0] == "app.posts"]
    assert [name for name, _ in events] == ["post.created", "post.updated", "post.deleted"]
    post_ids = {extras["post_id"] for _, extras in events}
    assert len(post_ids) == 1 and isinstance(post_ids.pop(), int)
    assert isinstance(events[0][1]["author_id"], int)


async def test_a_rejected_request_is_logged_with_its_path_and_error_count(
    client: AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    await client.post("/users/register", json={"email": "x"})
    [(name, _, extras)] = [e for e in _events(caplog) if e[1] == "request.invalid"]
    assert name == "app.errors"
    assert extras["path"] == "/users/register"
    assert extras["errors"] == 3  # email, password, confirm_password
