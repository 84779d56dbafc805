"""Demo requests: placeholders, captures, expected statuses, and how they are printed."""

from __future__ import annotations

import io
import json
from pathlib import Path

import httpx
import pytest
from rich.console import Console

from vibecode.course.manifest import RequestSpec
from vibecode.demo.render import render_result, render_summary, status_style
from vibecode.demo.runner import run_requests
from vibecode.demo.session import placeholders, select_requests
from vibecode.errors import VibecodeError

REGISTER = RequestSpec(
    name="register",
    method="POST",
    path="/users",
    json={"email": "demo-${run}@example.com"},
    expect=(201,),
    capture={"token": "auth.token", "user": "id"},
)
READ = RequestSpec(
    name="read",
    method="GET",
    path="/users/${user}",
    headers={"Authorization": "Bearer ${token}"},
    note="the token came from the answer above",
)


def fake_server(request: httpx.Request) -> httpx.Response:
    """Registers users and reads them back when the bearer token is right."""
    if request.method == "POST":
        body = json.loads(request.content)
        return httpx.Response(201, json={"id": 42, "email": body["email"], "auth": {"token": "s3"}})
    if request.headers.get("authorization") != "Bearer s3":
        return httpx.Response(401, json={"detail": "not authenticated"})
    return httpx.Response(200, json={"id": int(request.url.path.rsplit("/", 1)[1])})


def test_captures_flow_into_later_requests() -> None:
    seen: list[str] = []
    results = run_requests(
        "http://demo.test",
        [REGISTER, READ],
        variables={"run": "abc"},
        on_result=lambda r: seen.append(r.spec.name),
        transport=httpx.MockTransport(fake_server),
    )

    assert seen == ["register", "read"]
    assert [r.status for r in results] == [201, 200]
    assert all(r.ok for r in results)
    assert results[0].request_json == {"email": "demo-abc@example.com"}
    assert results[0].captured == {"token": "s3", "user": "42"}
    assert results[1].url == "http://demo.test/users/42"
    assert results[1].request_headers == {"Authorization": "Bearer s3"}
    assert results[1].body == {"id": 42}


def test_run_gets_a_fresh_value_each_time() -> None:
    emails = {
        run_requests("http://d.test", [REGISTER], transport=httpx.MockTransport(fake_server))[
            0
        ].request_json["email"]
        for _ in range(3)
    }
    assert len(emails) == 3


def test_an_unexpected_status_is_a_failure_with_a_plain_reason() -> None:
    wrong = RequestSpec(name="read", method="GET", path="/users/1", expect=(200, 204))
    [result] = run_requests("http://d.test", [wrong], transport=httpx.MockTransport(fake_server))

    assert not result.ok
    assert result.status == 401
    assert result.error == "expected 200 or 204, got 401"


def test_a_missing_capture_fails_the_request_and_skips_what_needed_it() -> None:
    bad = RequestSpec(
        name="register", method="POST", path="/users", json={"email": "x"}, expect=(201,),
        capture={"token": "no.such.path"},
    )  # fmt: skip
    first, second = run_requests(
        "http://d.test", [bad, READ], transport=httpx.MockTransport(fake_server)
    )

    assert first.error == "the response has no 'no.such.path' to capture"
    assert second.status is None
    assert second.error is not None and second.error.startswith("not sent: the placeholder")


def test_no_server_says_how_to_start_one() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(VibecodeError) as caught:
        run_requests("http://127.0.0.1:9", [READ], transport=httpx.MockTransport(refuse),
                     variables={"user": "1", "token": "t"})  # fmt: skip
    assert "no server answers at http://127.0.0.1:9" in str(caught.value)
    assert "vibecode serve" in str(caught.value)
    assert "--start" in str(caught.value)


def test_printed_like_an_http_client() -> None:
    [register, read] = run_requests(
        "http://demo.test",
        [REGISTER, READ],
        variables={"run": "abc"},
        transport=httpx.MockTransport(fake_server),
    )
    buffer = io.StringIO()
    console = Console(file=buffer, width=100, color_system=None)
    render_result(console, register)
    render_result(console, read)
    render_summary(console, [register, read])
    text = buffer.getvalue()

    assert "POST http://demo.test/users" in text
    assert "content-type: application/json" in text
    assert "201 Created" in text
    assert " ms" in text
    assert '"email": "demo-abc@example.com"' in text  # pretty JSON, indented
    assert "captured ${token}, ${user}" in text
    assert "Authorization: Bearer s3" in text
    assert "200 OK" in text
    assert "→ the token came from the answer above" in text
    assert "2 of 2 as expected." in text


def test_status_colours() -> None:
    assert [status_style(s) for s in (200, 302, 404, 500, None)] == [
        "bold green", "bold cyan", "bold yellow", "bold red", "bold red",
    ]  # fmt: skip


def test_one_named_request_brings_the_captures_it_needs() -> None:
    hello = RequestSpec(name="hello", method="GET", path="/")
    specs = [hello, REGISTER, READ]

    assert placeholders(READ) == {"user", "token"}
    assert select_requests(specs, None) == specs
    assert select_requests(specs, "hello") == [hello]
    assert select_requests(specs, "register") == [REGISTER]
    assert select_requests(specs, "read") == [REGISTER, READ]
    with pytest.raises(VibecodeError, match="no demo request named 'nope'"):
        select_requests(specs, "nope")


def test_long_header_values_keep_their_start_and_end() -> None:
    from vibecode.demo.render import abbreviate

    token = "Bearer " + "a" * 100 + "END-OF-TOKEN"
    short = abbreviate(token)

    assert len(short) == 72
    assert short.startswith("Bearer aaaa") and short.endswith("…" + "END-OF-TOKEN")
    assert abbreviate("Bearer short") == "Bearer short"


def failing_server(request: httpx.Request) -> httpx.Response:
    """Answers the generic 500 with the request id it was sent, as the course's app does."""
    rid = request.headers.get("x-request-id", "made-1")
    return httpx.Response(
        500,
        json={"detail": "Internal server error", "request_id": rid},
        headers={"X-Request-ID": rid, "Server": "uvicorn"},
    )


def rendered(spec: RequestSpec, log: object = None) -> str:
    [result] = run_requests(
        "http://demo.test", [spec], transport=httpx.MockTransport(failing_server)
    )
    buffer = io.StringIO()
    render_result(Console(file=buffer, width=120, color_system=None), result, log=log)  # type: ignore[arg-type]
    return buffer.getvalue()


def test_a_request_shows_the_headers_it_declares_and_only_those() -> None:
    plain = RequestSpec(name="fail", method="GET", path="/demo/fail", expect=(500,))
    assert "x-request-id" not in rendered(plain).lower()
    declared = RequestSpec(
        name="fail",
        method="GET",
        path="/demo/fail",
        expect=(500,),
        headers={"X-Request-ID": "demo-fail-7"},
        show_headers=("X-Request-ID",),  # any case matches
    )
    text = rendered(declared)
    assert "x-request-id: demo-fail-7" in text  # the answer's header, not only the request's
    assert "server:" not in text.lower()


def test_the_log_lines_of_a_request_are_found_by_its_id(tmp_path: Path) -> None:
    from vibecode.demo.log_match import find_lines, log_about

    log = tmp_path / "server.log"
    log.write_text(
        "INFO:     Application startup complete.\n"
        "2026-12-01 10:00:00,001 ERROR app.errors [other-1] request.unhandled_exception\n"
        "2026-12-01 10:00:01,002 ERROR app.errors [demo-fail-7] request.unhandled_exception\n"
        "Traceback (most recent call last):\n"
        '  File "/ws/app/api/demo.py", line 26, in fail\n'
        "    raise DemoFailure(...)\n"
        "app.api.demo.DemoFailure: demo failure: database password=hunter2 rejected\n"
        'INFO:     127.0.0.1:1 - "GET /demo/fail HTTP/1.1" 500 Internal Server Error\n'
    )
    match = find_lines(log, "demo-fail-7", wait=0)
    assert match.lines == (
        "2026-12-01 10:00:01,002 ERROR app.errors [demo-fail-7] request.unhandled_exception",
    )
    assert match.traceback_lines == 4
    assert find_lines(log, "nobody", wait=0).lines == ()

    spec = RequestSpec(
        name="fail", method="GET", path="/demo/fail", expect=(500,),
        headers={"X-Request-ID": "demo-fail-7"}, show_log=True,
    )  # fmt: skip
    [result] = run_requests(
        "http://demo.test", [spec], transport=httpx.MockTransport(failing_server)
    )
    found = log_about(result, log)
    assert found is not None and found.lines == match.lines
    text = rendered(spec, found)
    assert "server log, request demo-fail-7:" in text
    assert "[demo-fail-7] request.unhandled_exception" in text
    assert "its traceback (4 lines" in text
    assert "hunter2" not in text  # the secret stays in the log, as it stays out of the body
    quiet = RequestSpec(name="fail", method="GET", path="/demo/fail", expect=(500,))
    assert log_about(result.__class__(**{**result.__dict__, "spec": quiet}), log) is None


def test_show_log_must_be_a_boolean(tmp_path: Path) -> None:
    from vibecode.course.manifest import load_step
    from vibecode.errors import StepError

    folder = tmp_path / "01-x"
    folder.mkdir()
    (folder / "step.toml").write_text(
        'title = "x"\ngoal = "y"\nminutes = 1\ntalking_points = ["z"]\n'
        '[[demo]]\nname = "a"\npath = "/"\nshow_log = "yes"\n'
    )
    with pytest.raises(StepError, match="show_log: must be true or false"):
        load_step(folder, number=1, slug="x")
