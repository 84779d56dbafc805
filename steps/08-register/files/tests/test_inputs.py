"""Inputs a database cannot store answer 422, never 500: huge integers, NUL bytes."""

import pytest
from httpx import AsyncClient

from tests.helpers import PASSWORD


@pytest.mark.parametrize("field", ["email", "password", "confirm_password"])
async def test_a_nul_byte_in_a_registration_gets_422(field: str, client: AsyncClient) -> None:
    body = {"email": "nul@example.com", "password": PASSWORD, "confirm_password": PASSWORD}
    response = await client.post("/users/register", json=body | {field: body[field] + "\x00"})
    assert response.status_code == 422
