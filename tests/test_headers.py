"""Response headers: security headers everywhere, no caching of tokens, CORS by configuration."""

import pytest
from httpx import AsyncClient

from app.core.config import Settings
from app.main import create_app
from tests.helpers import PASSWORD, lifespan_client


@pytest.mark.parametrize("path", ["/health", "/posts", "/no-such-route"])
async def test_every_json_answer_has_the_security_headers(path: str, client: AsyncClient) -> None:
    response = await client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert (
        response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    )


async def test_the_docs_page_may_load_its_scripts(client: AsyncClient) -> None:
    response = await client.get("/docs")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in response.headers  # Swagger UI loads scripts


async def test_the_token_response_is_never_cached(client: AsyncClient, register: object) -> None:
    body = {"email": "cache@example.com", "password": PASSWORD, "confirm_password": PASSWORD}
    await client.post("/users/register", json=body)
    response = await client.post(
        "/users/login", data={"username": "cache@example.com", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_by_default_cors_is_off() -> None:
    assert Settings(_env_file=None).cors_origins == []


async def test_cors_is_off_unless_origins_are_configured(
    client: AsyncClient, settings: Settings
) -> None:
    preflight = {"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}
    off = await client.options("/posts", headers=preflight)
    assert "access-control-allow-origin" not in off.headers
    allowed = settings.model_copy(update={"cors_origins": ["https://app.example"]})
    async with lifespan_client(create_app(allowed)) as cors_client:
        on = await cors_client.options("/posts", headers=preflight)
        other = await cors_client.options(
            "/posts", headers=preflight | {"Origin": "https://evil.example"}
        )
    assert on.status_code == 200
    assert on.headers["access-control-allow-origin"] == "https://app.example"
    assert "access-control-allow-origin" not in other.headers


@pytest.mark.parametrize("method", ["GET", "POST", "PATCH", "DELETE"])
async def test_an_allowed_origin_may_call_every_method_with_a_token_and_json(
    method: str, settings: Settings
) -> None:
    allowed = settings.model_copy(update={"cors_origins": ["https://app.example"]})
    preflight = {
        "Origin": "https://app.example",
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "authorization, content-type",
    }
    async with lifespan_client(create_app(allowed)) as cors_client:
        response = await cors_client.options("/posts", headers=preflight)
    assert response.status_code == 200, response.text
    assert method in response.headers["access-control-allow-methods"].split(", ")


async def test_a_response_without_a_content_type_gets_the_headers_but_no_policy() -> None:
    # A bare ASGI answer (a 304, a stream with no media type): the middleware must cope.
    from httpx import ASGITransport
    from starlette.types import Receive, Scope, Send

    from app.core.headers import SecurityHeadersMiddleware

    async def bare(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 304, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    transport = ASGITransport(app=SecurityHeadersMiddleware(bare))
    async with AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/")
    assert response.status_code == 304
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in response.headers
