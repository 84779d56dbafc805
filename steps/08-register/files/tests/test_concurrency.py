"""Concurrent requests: racing registrations of one email."""

import asyncio
from collections import Counter

from httpx import AsyncClient

from tests.helpers import PASSWORD


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
