"""Error handling: generic 500 bodies, request ids, stack traces only in the log."""

import io
import json
import logging
import re
from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from app.core.config import Settings
from app.core.logging import configure_logging
from app.main import create_app
from tests.helpers import lifespan_client


class Boom(Exception):
    """An unexpected failure inside a route."""


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    """The app plus a route that fails unexpectedly."""

    async def explode() -> None:
        raise Boom("database password=hunter2 rejected")

    app = create_app(settings)
    app.add_api_route("/explode", explode)
    return app


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[AsyncClient]:
    """A client that receives 500 responses instead of the app's exceptions."""
    async with lifespan_client(app, raise_app_exceptions=False) as client:
        yield client


async def test_an_unexpected_error_is_a_generic_500(client: AsyncClient) -> None:
    response = await client.get("/explode")
    assert response.status_code == 500
    body = response.json()
    assert body == {"detail": "Internal server error", "request_id": body["request_id"]}
    assert response.headers["X-Request-ID"] == body["request_id"]
    assert "hunter2" not in response.text
    assert "Boom" not in response.text


async def test_the_log_gets_the_stack_trace_and_request_id(
    client: AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="app")
    response = await client.get("/explode", headers={"X-Request-ID": "trace-me-123"})
    assert response.json()["request_id"] == "trace-me-123"
    [record] = [r for r in caplog.records if r.name == "app.errors"]
    assert record.getMessage() == "request.unhandled_exception"
    assert record.request_id == "trace-me-123"  # type: ignore[attr-defined]
    assert (record.method, record.path) == ("GET", "/explode")  # type: ignore[attr-defined]
    # The traceback is kept as (scrubbed) text: where it failed, and what failed.
    assert record.exc_text is not None
    assert "in explode" in record.exc_text
    assert "Boom" in record.exc_text
    assert "hunter2" not in record.exc_text


async def test_the_request_id_is_echoed(client: AsyncClient) -> None:
    response = await client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"


async def test_a_request_id_is_made_when_absent(client: AsyncClient) -> None:
    first = (await client.get("/health")).headers["X-Request-ID"]
    second = (await client.get("/health")).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


@pytest.mark.parametrize("bad", ["x" * 200, "has space", "new\nline", "semi;colon"])
async def test_an_unsafe_request_id_is_replaced(bad: str, client: AsyncClient) -> None:
    response = await client.get("/health", headers={"X-Request-ID": bad.encode().decode()})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


async def test_http_errors_keep_their_message_and_get_a_request_id(client: AsyncClient) -> None:
    response = await client.get("/no-such-route")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}
    assert "X-Request-ID" in response.headers


async def test_a_500_without_a_request_id_gets_a_fresh_one() -> None:
    # The handler stands outside the middleware: an error before the id is set still gets one.
    from starlette.requests import Request

    from app.core.errors import unhandled_exception_handler

    request = Request({"type": "http", "method": "GET", "path": "/x", "headers": [], "state": {}})
    response = await unhandled_exception_handler(request, RuntimeError("early"))
    request_id = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert response.status_code == 500
    assert json.loads(bytes(response.body)) == {
        "detail": "Internal server error",
        "request_id": request_id,
    }


async def test_a_422_lists_where_what_and_which_kind_of_error(client: AsyncClient) -> None:
    response = await client.post("/users/register", json={"email": "a@example.com"})
    assert response.status_code == 422
    [missing, *_] = response.json()["detail"]
    assert missing == {"loc": ["body", "password"], "msg": "Field required", "type": "missing"}


async def test_what_a_request_logs_carries_its_request_id(client: AsyncClient) -> None:
    stream = io.StringIO()
    configure_logging("INFO", stream=stream)  # the app's handler, writing to a buffer
    await client.post("/users/register", json={}, headers={"X-Request-ID": "trace-me-422"})
    [line] = [line for line in stream.getvalue().splitlines() if "request.invalid" in line]
    assert " [trace-me-422] request.invalid" in line
