"""`vibecode demo --step`: one request at a time, sent only when the presenter says so."""

from __future__ import annotations

import io
import json

import httpx
from rich.console import Console

from vibecode.course.manifest import RequestSpec
from vibecode.demo.paced import PacedDemo, run_paced

REGISTER = RequestSpec(
    name="register",
    method="POST",
    path="/users",
    json={"email": "demo-${run}@example.com"},
    expect=(201,),
    capture={"user": "id"},
)
READ = RequestSpec(name="read", method="GET", path="/users/${user}")


def server(sent: list[str]) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(f"{request.method} {request.url.path}")
        if request.method == "POST":
            return httpx.Response(201, json={"id": 42, **json.loads(request.content)})
        return httpx.Response(200, json={"id": 42})

    return httpx.MockTransport(answer)


def test_each_request_is_shown_then_sent_on_enter_with_the_captures_before_it() -> None:
    sent: list[str] = []
    demo = PacedDemo("http://demo.test", [REGISTER, READ], transport=server(sent))
    assert demo.preview(1).path == "/users/${user}"  # not known yet: shown as written
    out = io.StringIO()
    asked: list[int] = []

    def wait(prompt: str) -> bool:
        asked.append(len(sent))  # nothing is sent before the presenter answers
        return True

    ok = run_paced(demo, Console(file=out, width=100), wait=wait)
    assert ok
    assert asked == [0, 1]
    assert sent == ["POST /users", "GET /users/42"]
    text = out.getvalue()
    assert "▶ 1 of 2 register: POST /users" in text
    assert "▶ 2 of 2 read: GET /users/42" in text  # the capture filled the preview
    assert "2 of 2 as expected." in text


def test_q_stops_the_demo_and_nothing_more_is_sent() -> None:
    sent: list[str] = []
    demo = PacedDemo("http://demo.test", [REGISTER, READ], transport=server(sent))
    answers = iter([True, False])
    out = io.StringIO()
    ok = run_paced(demo, Console(file=out, width=100), wait=lambda prompt: next(answers))
    assert sent == ["POST /users"]
    assert ok  # what was sent answered as expected
    assert "1 of 1 as expected." in out.getvalue()
    nothing = PacedDemo("http://demo.test", [REGISTER], transport=server([]))
    assert not run_paced(nothing, Console(file=io.StringIO()), wait=lambda prompt: False)
