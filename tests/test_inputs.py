"""Inputs a database cannot store answer 422, never 500: huge integers, NUL bytes."""

from collections.abc import Awaitable, Callable

import pytest
from httpx import AsyncClient

from tests.helpers import PASSWORD, Account

NewAccount = Callable[[], Awaitable[Account]]


@pytest.mark.parametrize(
    "params",
    [{"offset": 2**63}, {"offset": 10**30}, {"limit": 2**63}, {"offset": 1_000_001}],
    ids=["offset past int64", "offset far past int64", "limit past int64", "offset past the cap"],
)
async def test_integers_past_their_bound_get_422(
    params: dict[str, int], client: AsyncClient
) -> None:
    response = await client.get("/posts", params=params)
    assert response.status_code == 422


async def test_the_largest_offset_allowed_answers(client: AsyncClient) -> None:
    assert (await client.get("/posts", params={"offset": 1_000_000})).json() == []


@pytest.mark.parametrize("field", ["title", "content"])
async def test_a_nul_byte_in_a_new_post_gets_422(
    field: str, client: AsyncClient, new_account: NewAccount
) -> None:
    account = await new_account()
    body = {"title": "t", "content": "c"} | {field: "before\x00after"}
    created = await client.post("/posts", json=body, headers=account.headers)
    assert created.status_code == 422


@pytest.mark.parametrize("field", ["title", "content"])
async def test_a_nul_byte_in_a_post_update_gets_422(
    field: str, client: AsyncClient, new_account: NewAccount
) -> None:
    account = await new_account()
    post = await client.post("/posts", json={"title": "t", "content": "c"}, headers=account.headers)
    patched = await client.patch(
        f"/posts/{post.json()['id']}", json={field: "a\x00b"}, headers=account.headers
    )
    assert patched.status_code == 422


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
