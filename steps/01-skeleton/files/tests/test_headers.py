"""Response headers: security headers everywhere, no caching of tokens, CORS by configuration."""

import pytest
from httpx import AsyncClient


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
