"""Inputs a database cannot store answer 422, never 500: huge integers, NUL bytes."""

from collections.abc import Awaitable, Callable

import pytest
from httpx import AsyncClient

from tests.helpers import PASSWORD, Account

NewAccount = Callable[[], Awaitable[Account]]


@pytest.mark.parametrize("field", ["title", "content"])
async def test_a_nul_byte_in_a_new_post_gets_422(
    field: str, client: AsyncClient, new_account: NewAccount
) -> None:
    account = await new_account()
    body = {"title": "t", "content": "c"} | {field: "before\x00after"}
    created = await client.post("/posts", json=body, headers=account.headers)
    assert created.status_code == 422


@pytest.mark.parametrize(
    "form",
    [
        {"username": "a\x00b@example.com", "password": PASSWORD},
        {"username": "a@example.com", "password": "pass\x00word"},
    ],
    ids=["username", "password"],
)
async def test_a_nul_byte_in_the_login_form_gets_422(
    form: dict[str, str], client: AsyncClient
) -> None:
    assert (await client.post("/users/login", data=form)).status_code == 422


@pytest.mark.parametrize("field", ["email", "password", "confirm_password"])
async def test_a_nul_byte_in_a_registration_gets_422(field: str, client: AsyncClient) -> None:
    body = {"email": "nul@example.com", "password": PASSWORD, "confirm_password": PASSWORD}
    response = await client.post("/users/register", json=body | {field: body[field] + "\x00"})
    assert response.status_code == 422
