"""Logs never contain passwords, tokens or secrets (redaction), even at DEBUG."""

import asyncio
import io
import logging
import re
import sys
import time
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from app.core.config import Settings
from app.core.logging import (
    MAX_LOGGED_CHARS,
    REDACTED,
    KeyValueFormatter,
    RedactionFilter,
    RequestIdFilter,
    configure_logging,
    redact,
    redact_text,
)
from app.main import create_app
from tests.helpers import lifespan_client

PASSWORD = "S3cret-Passw0rd-xyz"
WRONG_PASSWORD = "Wr0ng-Passw0rd-abc"


class Recorder(logging.Handler):
    """Keeps every record as the handlers after the app's own see it (no filter of its own)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    """Every record of every logger, at DEBUG, seen after the app's handler scrubbed it."""
    root = logging.getLogger()
    handler, level = Recorder(), root.level
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    """The app plus a route whose failure message carries a secret."""

    async def leak(request_token: str) -> None:
        raise RuntimeError(f"upstream refused token={request_token} authorization=Bearer abc")

    app = create_app(settings)
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
    logging.getLogger().addHandler(recorder)  # after it: sees what its filter left

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
    uvicorn_logger = logging.getLogger("uvicorn.error")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    uvicorn_logger.addHandler(handler)
    try:
        configure_logging("INFO")
        uvicorn_logger.error("Exception in ASGI application: password=hunter2")
    finally:
        uvicorn_logger.removeHandler(handler)
    assert "password=[REDACTED]" in stream.getvalue()
    assert "hunter2" not in stream.getvalue()


MEGABYTE = 1_000_000
# Inputs that made the earlier patterns retry from every character (quadratic): each one is
# 1 MB of what a client can put in a path or a query string.
ADVERSARIAL = {
    "one long word": "a" * MEGABYTE,
    "word with a sensitive name inside": "x" * (MEGABYTE // 2) + "password" + "y" * (MEGABYTE // 2),
    "repeated sensitive names": "password" * (MEGABYTE // 8),
    "repeated JWT starts": "eyJ" * (MEGABYTE // 3),
    "JWT starts with dots": "eyJa.eyJ" * (MEGABYTE // 8),
    "unclosed quoted values": 'password="' * (MEGABYTE // 10),
    "repeated Bearer": "Bearer " * (MEGABYTE // 7),
    "many pairs": "a=b&" * (MEGABYTE // 4),
    "hash starts": "$argon2id$" * (MEGABYTE // 10),
}


@pytest.mark.parametrize("text", list(ADVERSARIAL.values()), ids=list(ADVERSARIAL))
def test_redaction_is_linear_on_a_megabyte(text: str) -> None:
    # Linear patterns take tens of milliseconds here; the quadratic ones took hours.
    started = time.perf_counter()
    redact_text(text)
    assert time.perf_counter() - started < 2.0


def test_values_from_a_request_are_capped_in_the_log() -> None:
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '"%s %s"', ("GET", "/p?" + "a" * 50_000), None
    )
    record.path = "/posts/" + "b" * 50_000
    RedactionFilter().filter(record)
    line = record.getMessage()
    assert len(line) < MAX_LOGGED_CHARS + 100
    assert line.endswith('[48003 more characters]"')
    assert record.path.endswith("[48007 more characters]")  # type: ignore[attr-defined]


async def test_the_loop_keeps_answering_while_a_megabyte_path_is_logged(
    app: FastAPI, client: AsyncClient
) -> None:
    # The 422 for a malformed id logs the path; the access log logs path and query. httpx
    # refuses URLs past 64 KiB, so the request goes to the app as a raw ASGI call.
    configure_logging("DEBUG", stream=io.StringIO())
    gaps: list[float] = []

    async def ticker() -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    statuses: list[int] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(int(message["status"]))  # type: ignore[call-overload]

    path = "/posts/" + "a" * MEGABYTE
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "headers": [(b"host", b"test")], "client": ("127.0.0.1", 1), "server": ("test", 80),
    }  # fmt: skip
    tick = asyncio.create_task(ticker())
    try:
        await asyncio.sleep(0.02)
        await app(scope, receive, send)  # type: ignore[arg-type]
        access = logging.getLogger("uvicorn.access")
        access.info('%s - "%s %s HTTP/%s" %d', "1.2.3.4", "GET", path, "1.1", 200)
        await asyncio.sleep(0.02)
    finally:
        tick.cancel()
    assert statuses == [422]
    assert max(gaps) < 1.0, f"the event loop stalled {max(gaps):.2f} s"


def test_a_bearer_token_in_free_text_is_replaced_in_place() -> None:
    assert redact_text("upstream sent Bearer abc123 back") == "upstream sent Bearer [REDACTED] back"


def test_objects_without_secrets_reach_the_formatter_unchanged() -> None:
    # A format such as %.1f needs the number itself, not its text.
    amount = Decimal("2.5")
    assert redact(amount) is amount
    record = logging.LogRecord("app", logging.INFO, __file__, 1, "took %.1f ms", (amount,), None)
    RedactionFilter().filter(record)
    assert record.getMessage() == "took 2.5 ms"


def test_an_object_whose_text_holds_a_secret_becomes_its_scrubbed_text() -> None:
    class Url:
        def __str__(self) -> str:
            return "https://api.example/?token=abc123"

    assert redact(Url()) == f"https://api.example/?token={REDACTED}"


def test_a_value_of_exactly_the_cap_is_logged_whole() -> None:
    whole = "a" * MAX_LOGGED_CHARS
    assert redact(whole) == whole
    assert redact(whole + "b") == f"{whole}...[1 more characters]"


def _record_with_exception(message: str) -> logging.LogRecord:
    try:
        raise RuntimeError(message)
    except RuntimeError:
        return logging.LogRecord("app", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())


def test_a_traceback_is_scrubbed_for_every_later_formatter() -> None:
    record = _record_with_exception("upstream refused password=hunter2")
    RedactionFilter().filter(record)
    formatted = logging.Formatter().format(record)  # a handler after the app's
    assert "RuntimeError: upstream refused password=[REDACTED]" in formatted
    assert "hunter2" not in formatted


def test_a_stack_is_scrubbed_and_kept() -> None:
    record = logging.LogRecord("app", logging.INFO, __file__, 1, "here", None, None)
    record.stack_info = 'Stack (most recent call last):\n  call(password="hunter2")'
    RedactionFilter().filter(record)
    assert record.stack_info == f"Stack (most recent call last):\n  call(password={REDACTED})"


def test_a_record_outside_any_request_gets_the_placeholder_id() -> None:
    record = logging.LogRecord("app", logging.INFO, __file__, 1, "startup", None, None)
    RequestIdFilter().filter(record)
    assert record.request_id == "-"  # type: ignore[attr-defined]


def test_extras_follow_the_message_and_the_traceback_follows_them() -> None:
    record = _record_with_exception("boom")
    record.user_id = 7
    record.path = "/posts"
    line = KeyValueFormatter("%(levelname)s %(message)s").format(record)
    first, *traceback_lines = line.split("\n")
    assert first == "ERROR failed user_id=7 path='/posts'"
    assert traceback_lines[0] == "Traceback (most recent call last):"
    assert traceback_lines[-1] == "RuntimeError: boom"


def test_a_record_without_extras_is_the_plain_line() -> None:
    record = logging.LogRecord("app", logging.INFO, __file__, 1, "hello %s", ("you",), None)
    assert KeyValueFormatter("%(levelname)s %(message)s").format(record) == "INFO hello you"


def test_the_app_handler_writes_time_level_logger_request_id_and_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    configure_logging("INFO")
    stderr = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)  # after configure: the handler looks it up
    logging.getLogger("app.test").info("hello", extra={"user_id": 3})
    line = stderr.getvalue()
    pattern = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO app\.test \[-\] hello user_id=3\n"
    assert re.fullmatch(pattern, line), line


@pytest.mark.parametrize("name", ["uvicorn", "uvicorn.error", "uvicorn.access"])
def test_each_uvicorn_logger_is_scrubbed(name: str) -> None:
    uvicorn_logger = logging.getLogger(name)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    uvicorn_logger.addHandler(handler)
    try:
        configure_logging("INFO")
        uvicorn_logger.warning('"GET /reset?token=abc123 HTTP/1.1" 200')
    finally:
        uvicorn_logger.removeHandler(handler)
    assert stream.getvalue() == f'"GET /reset?token={REDACTED} HTTP/1.1" 200\n'
