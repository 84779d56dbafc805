"""Logs never contain passwords, tokens or secrets (redaction), even at DEBUG."""

import io
import logging
from collections.abc import AsyncIterator, Iterator

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from app.core.logging import REDACTED, RedactionFilter, configure_logging, redact, redact_text
from tests.helpers import lifespan_client

PASSWORD = "S3cret-Passw0rd-xyz"
WRONG_PASSWORD = "Wr0ng-Passw0rd-abc"


class Recorder(logging.Handler):
    """Keeps every record, after the app's redaction filter has run on it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.addFilter(RedactionFilter())

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    """Every record of every logger, at DEBUG, for the duration of the test."""
    root = logging.getLogger()
    handler, level = Recorder(), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
def app(app: FastAPI) -> FastAPI:
    """The app plus a route whose failure message carries a secret."""

    async def leak(request_token: str) -> None:
        raise RuntimeError(f"upstream refused token={request_token} authorization=Bearer abc")

    app.add_api_route("/leak", leak)
    return app


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[AsyncClient]:
    """A client that receives 500 responses instead of the app's exceptions."""
    async with lifespan_client(app, raise_app_exceptions=False) as client:
        yield client


def _everything_in(record: logging.LogRecord) -> str:
    """The message, args, extras and traceback of a record, as one text."""
    parts = [record.getMessage(), repr(record.args), repr(vars(record))]
    if record.exc_info:
        parts.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(parts)


async def test_secrets_never_reach_the_log(client: AsyncClient, recorder: Recorder) -> None:
    stream = io.StringIO()
    configure_logging("DEBUG", stream=stream)  # the app's own handler, writing to a buffer

    body = {"email": "log@example.com", "password": PASSWORD, "confirm_password": PASSWORD}
    assert (await client.post("/users/register", json=body)).status_code == 201
    login = await client.post(
        "/users/login", data={"username": "log@example.com", "password": PASSWORD}
    )
    token = login.json()["access_token"]
    failed = await client.post(
        "/users/login", data={"username": "log@example.com", "password": WRONG_PASSWORD}
    )
    assert failed.status_code == 401
    mismatch = {"email": "m@example.com", "password": PASSWORD, "confirm_password": "other-pw"}
    assert (await client.post("/users/register", json=mismatch)).status_code == 422
    assert (
        await client.get("/users/me", headers={"Authorization": f"Bearer {token}"})
    ).status_code == 200
    assert (await client.get(f"/leak?request_token={token}")).status_code == 500

    secrets = [PASSWORD, WRONG_PASSWORD, "other-pw", token, token.split(".")[2]]
    assert recorder.records, "nothing was logged"
    assert any("Traceback" in (r.exc_text or "") for r in recorder.records), "no 500 logged"
    for record in recorder.records:
        text = _everything_in(record)
        for secret in secrets:
            assert secret not in text, (record.name, record.msg)
    output = stream.getvalue()
    assert "Traceback" in output
    for secret in secrets:
        assert secret not in output


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("password=hunter2", "hunter2"),
        ('{"password": "hunter2"}', "hunter2"),
        ("confirm_password: hunter2 next", "hunter2"),
        ("Authorization: Bearer abc.def.ghi", "abc.def.ghi"),
        ("access_token='tok123'", "tok123"),
        ("SECRET_KEY=xyz987", "xyz987"),
        ("jwt eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl in text", "eyJhbGciOi.eyJzdWIiOi"),
        ("params ('a@b.c', '$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA')", "c2FsdA$aGFzaA"),
    ],
)
def test_redact_text(text: str, secret: str) -> None:
    redacted = redact_text(text)
    assert secret not in redacted
    assert REDACTED in redacted


def test_redact_scrubs_sensitive_keys_in_structures() -> None:
    data = {"email": "a@b.c", "password": "p", "nested": [{"token": "t"}], "n": 1}
    assert redact(data) == {
        "email": "a@b.c",
        "password": REDACTED,
        "nested": [{"token": REDACTED}],
        "n": 1,
    }


def test_the_filter_scrubs_args_and_extras() -> None:
    record = logging.LogRecord(
        "app", logging.INFO, __file__, 1, "login %s", ({"password": "p4ss"},), None
    )
    record.secret_key = "k3y"
    record.note = "token=abc123"
    RedactionFilter().filter(record)
    text = _everything_in(record)
    assert "p4ss" not in text
    assert "k3y" not in text
    assert "abc123" not in text


def test_configure_logging_installs_one_handler() -> None:
    root = logging.getLogger()
    configure_logging("INFO")
    configure_logging("WARNING")
    assert len([h for h in root.handlers if h.get_name() == "app"]) == 1
    assert logging.getLogger("app").level == logging.WARNING


def test_uvicorn_handlers_are_scrubbed_too() -> None:
    # uvicorn logs the traceback of unhandled errors again, through its own handlers.
    uvicorn_logger = logging.getLogger("uvicorn")
    handler = logging.StreamHandler(io.StringIO())
    uvicorn_logger.addHandler(handler)
    try:
        configure_logging("INFO")
        assert any(isinstance(f, RedactionFilter) for f in handler.filters)
    finally:
        uvicorn_logger.removeHandler(handler)
