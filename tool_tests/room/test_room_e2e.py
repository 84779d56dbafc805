"""The room end to end: real `vibecode room`, real workspaces, real CLI processes."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterator
from http.client import HTTPConnection
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tool_tests.room.room_kit import RunningRoom, cli, running_room
from vibecode.room.record import read_joined

pytestmark = pytest.mark.e2e


@pytest.fixture
def presenter(make_workspace: Callable[[str, int], Path]) -> Path:
    return make_workspace("presenter", 3)


@pytest.fixture
def room(presenter: Path) -> Iterator[RunningRoom]:
    with running_room(presenter, "--stuck-minutes", "0.1") as running:
        yield running


def raw(
    room: RunningRoom, method: str, path: str, body: bytes | None, token: str | None
) -> tuple[int, Any]:
    """One request with exactly these bytes (what a broken or hostile client sends)."""
    parts = urlsplit(room.url)
    connection = HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
    finally:
        connection.close()
    return response.status, json.loads(data) if data else None


def join(room: RunningRoom, workspace: Path, name: str) -> None:
    done = cli("join", room.record.join_url, room.record.code, "--name", name, workspace=workspace)
    assert done.returncode == 0, done.stderr
    assert f"joined {room.record.join_url} as {name}" in done.stdout


def by_name(state: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {person["name"]: person for person in state["attendee_list"]}


def test_several_workspaces_at_different_steps_join_and_the_room_matches_them(
    room: RunningRoom, make_workspace: Callable[[str, int], Path]
) -> None:
    ada, bob, cy = make_workspace("ada", 1), make_workspace("bob", 2), make_workspace("cy", 4)
    for name, workspace in (("Ada", ada), ("Bob", bob), ("Cy", cy)):
        join(room, workspace, name)
    state = room.wait_for(
        lambda s: (
            {p["name"]: p["step"] for p in s["attendee_list"]} == {"Ada": 1, "Bob": 2, "Cy": 4}
        )
    )
    assert state["attendees"] == 3
    # Moves and checks, each reported in the background.
    assert cli("next", workspace=ada).returncode == 0  # 1 -> 2
    assert cli("goto", "3", workspace=bob).returncode == 0
    assert cli("check", workspace=bob).returncode == 0  # step 3's tests pass on its checkpoint
    assert cli("prev", workspace=cy).returncode == 0  # 4 -> 3
    (cy / "app" / "main.py").write_text("this is not python\n", encoding="utf-8")
    assert cli("check", workspace=cy).returncode == 1
    state = room.wait_for(
        lambda s: (
            {p["name"]: (p["step"], p["passes"]) for p in s["attendee_list"]}
            == {"Ada": (2, False), "Bob": (3, True), "Cy": (3, False)}
            and s["failing_tests"] != []
        )
    )
    assert {row["step"]: (row["attendees"], row["passing"]) for row in state["steps"]} == {
        2: (1, 0),
        3: (2, 1),
    }
    # The presenter is at step 3: Cy's failing test is the most common failing one there.
    assert state["presenter_step"] == 3
    assert state["failing_tests"][0]["attendees"] == 1
    assert state["failing_tests"][0]["test"]  # a node id (the module that fails to import)
    assert state["reports"] == 3 + 5  # one report per join, one per command
    # Cy fails step 3 for longer than the room's 6 seconds: stuck.
    state = room.wait_for(lambda s: s["stuck"] == ["Cy"], timeout=15)
    # `vibecode room status --json` prints the same state for scripts.
    printed = cli("room", "status", "--json", workspace=room.workspace)
    assert printed.returncode == 0
    assert {p["name"]: p["step"] for p in json.loads(printed.stdout)["attendee_list"]} == {
        "Ada": 2,
        "Bob": 3,
        "Cy": 3,
    }


def test_the_presenters_step_is_published_and_status_compares(
    room: RunningRoom, make_workspace: Callable[[str, int], Path]
) -> None:
    ada = make_workspace("ada", 2)
    join(room, ada, "Ada")
    assert cli("goto", "6", workspace=room.workspace).returncode == 0
    room.wait_for(lambda s: s["presenter_step"] == 6, timeout=5)
    shown = cli("status", workspace=ada)
    assert shown.returncode == 0
    assert "the presenter is at step 6, you are at 2" in shown.stdout
    assert cli("next", workspace=room.workspace).returncode == 0
    room.wait_for(lambda s: s["presenter_step"] == 7, timeout=5)
    # Typing step 8 (as `vibecode type` does): the presenter is at step 8 from its first key.
    from vibecode.course.loader import load
    from vibecode.live.session import TypingSession
    from vibecode.workspace.state import load_state

    TypingSession(load(), room.workspace, 8).begin()
    room.wait_for(lambda s: s["presenter_step"] == 8, timeout=5)
    assert load_state(room.workspace).step == 7


def test_a_stopped_room_leaves_every_attendee_command_working_and_fast(
    room: RunningRoom, make_workspace: Callable[[str, int], Path]
) -> None:
    ada, plain = make_workspace("ada", 2), make_workspace("plain", 2)
    join(room, ada, "Ada")
    room.stop()

    def timed(*args: str, workspace: Path) -> float:
        start = time.monotonic()
        done = cli(*args, workspace=workspace)
        assert done.returncode == 0, done.stderr
        return time.monotonic() - start

    # The machine is shared: the best of two runs each, interleaved, and some slack for noise.
    for args in (("next",), ("prev",), ("goto", "3"), ("reset",), ("check",)):
        with_room, without = [], []
        for _ in range(2):
            with_room.append(timed(*args, workspace=ada))
            without.append(timed(*args, workspace=plain))
        assert min(with_room) < min(without) * 1.5 + 0.5, (args, with_room, without)
    # What the room adds to a command, measured alone: a fork, never a wait for the room.
    from vibecode.room import hooks
    from vibecode.workspace.checks import TestReport

    report = TestReport(step=3, tests=("t",), passed=1, outcomes=(("t", "passed"),))
    hooks_run: tuple[Callable[[], None], ...] = (
        lambda: hooks.moved(ada, 3),
        lambda: hooks.checked(ada, 3, report),
    )
    for call_hook in hooks_run:
        start = time.monotonic()
        call_hook()
        assert time.monotonic() - start < 0.25
    shown = cli("status", workspace=ada)
    assert shown.returncode == 0
    assert "does not answer" in shown.stdout


def test_a_room_that_hangs_never_holds_a_command(
    make_workspace: Callable[[str, int], Path],
) -> None:
    """A room that accepts connections and never answers: the report waits, the command not."""
    ada = make_workspace("ada", 2)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)
        port = silent.getsockname()[1]
        joined = {"url": f"http://127.0.0.1:{port}", "token": "t", "name": "Ada", "attendee": 1}
        (ada / ".vibecode" / "joined.json").write_text(json.dumps(joined), encoding="utf-8")
        assert read_joined(ada) is not None
        start = time.monotonic()
        done = cli("goto", "3", workspace=ada)  # its output pipe closes with the command
        elapsed = time.monotonic() - start
        assert done.returncode == 0
        assert elapsed < 2.5, elapsed  # a report waits up to 3 s for the room: in the background
        start = time.monotonic()
        shown = cli("status", workspace=ada)
        assert shown.returncode == 0
        assert "does not answer" in shown.stdout
        assert time.monotonic() - start < 2.5


def test_tokens_are_checked(room: RunningRoom, make_workspace: Callable[[str, int], Path]) -> None:
    ada = make_workspace("ada", 2)
    join(room, ada, "Ada")
    joined = read_joined(ada)
    assert joined is not None
    move = json.dumps({"kind": "move", "step": 2, "at": time.time()}).encode()
    assert raw(room, "POST", "/api/report", move, None)[0] == 401
    assert raw(room, "POST", "/api/report", move, "not-a-token")[0] == 401
    assert raw(room, "POST", "/api/report", move, room.record.token)[0] == 403
    assert raw(room, "GET", "/api/room", None, None)[0] == 401
    again = cli("room", "--port", "1", workspace=room.workspace)  # one room per workspace
    assert again.returncode == 2 and "already runs" in again.stderr
    assert raw(room, "GET", "/api/room", None, "not-a-token")[0] == 401
    assert raw(room, "GET", "/api/room", None, joined.token)[0] == 403  # names: presenter only
    assert raw(room, "GET", "/api/presenter", None, None)[0] == 401
    status, summary = raw(room, "GET", "/api/summary", None, None)
    assert status == 200
    assert "Ada" not in json.dumps(summary)  # the audience's figures carry no names
    wrong = json.dumps({"code": "WRONG1", "name": "Eve"}).encode()
    assert raw(room, "POST", "/api/join", wrong, None)[0] == 403
    assert raw(room, "POST", "/api/report", move, joined.token)[0] == 202
    # Both tokens are kept for their owner's eyes only, and never printed.
    for record in (room.workspace / ".vibecode" / "room.json", ada / ".vibecode" / "joined.json"):
        assert record.stat().st_mode & 0o777 == 0o600
    printed = cli("room", "status", "--json", workspace=room.workspace).stdout
    assert room.record.token not in printed and joined.token not in printed


def test_oversized_or_malformed_reports_are_refused_and_not_stored(
    room: RunningRoom, make_workspace: Callable[[str, int], Path]
) -> None:
    ada = make_workspace("ada", 2)
    join(room, ada, "Ada")
    joined = read_joined(ada)
    assert joined is not None
    before = room.wait_for(lambda s: s["reports"] == 1)
    now = time.time()
    test = {"name": "tests/test_x.py::test_x", "outcome": "failed"}
    bad: list[tuple[int, bytes]] = [
        (
            413,
            json.dumps(
                {
                    "kind": "check",
                    "step": 2,
                    "at": now,
                    "checked": 2,
                    "tests": [{"name": "t" * 199, "outcome": "passed"}] * 800,
                }
            ).encode(),
        ),
        (422, b"{not json"),
        (422, b"[]"),
        (422, json.dumps({"kind": "move", "step": "2", "at": now}).encode()),
        (422, json.dumps({"kind": "move", "step": -1, "at": now}).encode()),
        (422, json.dumps({"kind": "move", "step": 2, "at": now, "code": "x = 1"}).encode()),
        (422, json.dumps({"kind": "teleport", "step": 2, "at": now}).encode()),
        (
            422,
            json.dumps(
                {
                    "kind": "check",
                    "step": 2,
                    "at": now,
                    "checked": 2,
                    "tests": [{**test, "outcome": "maybe"}],
                }
            ).encode(),
        ),
        (
            422,
            json.dumps(
                {
                    "kind": "check",
                    "step": 2,
                    "at": now,
                    "checked": 2,
                    "tests": [{**test, "name": "n" * 201}],
                }
            ).encode(),
        ),
        (
            422,
            json.dumps(
                {"kind": "check", "step": 2, "at": now, "checked": 2, "tests": [test] * 501}
            ).encode(),
        ),
        (422, b'{"kind": "move", "step": 2, "at": NaN}'),
    ]
    for status, body in bad:
        assert raw(room, "POST", "/api/report", body, joined.token)[0] == status, body[:80]
    after = room.state()
    assert after["reports"] == before["reports"]
    assert after["failing_tests"] == []
    assert by_name(after)["Ada"]["step"] == 2


def test_names_are_limited_and_stay_text(
    room: RunningRoom, make_workspace: Callable[[str, int], Path]
) -> None:
    from io import StringIO

    from rich.console import Console

    from vibecode.room.render import roster

    for name in ("x" * 41, "Eve\x1b[2J", "   "):
        body = json.dumps({"code": room.record.code, "name": name}).encode()
        assert raw(room, "POST", "/api/join", body, None)[0] == 422, name
    ada = make_workspace("ada", 2)
    join(room, ada, "[bold red]Ada")
    state = room.wait_for(lambda s: s["attendees"] == 1)
    screen = StringIO()
    Console(file=screen, width=80, color_system=None).print(roster(state))
    assert "[bold red]Ada" in screen.getvalue()  # shown as typed, never read as markup


def test_a_closed_room_refuses_joins(
    room: RunningRoom, make_workspace: Callable[[str, int], Path]
) -> None:
    ada, bob = make_workspace("ada", 2), make_workspace("bob", 2)
    join(room, ada, "Ada")
    closed = cli("room", "close", workspace=room.workspace)
    assert closed.returncode == 0
    assert "takes no new attendees" in closed.stdout
    refused = cli("join", room.record.join_url, room.record.code, "--name", "Bob", workspace=bob)
    assert refused.returncode == 2
    assert "the room is closed" in refused.stderr
    assert "the presenter closed the room to newcomers" in refused.stderr  # not "check the code"
    assert "Traceback" not in refused.stderr
    assert read_joined(bob) is None
    assert cli("next", workspace=ada).returncode == 0  # those inside keep reporting
    state = room.wait_for(lambda s: by_name(s)["Ada"]["step"] == 3)
    assert state["closed"] is True


def test_each_attendee_is_rate_limited(
    presenter: Path, make_workspace: Callable[[str, int], Path]
) -> None:
    ada = make_workspace("ada", 2)
    with running_room(presenter, env={"VIBECODE_ROOM_RATE": "3/minute"}) as room:
        join(room, ada, "Ada")  # its first report is the first of three
        joined = read_joined(ada)
        assert joined is not None
        room.wait_for(lambda s: s["reports"] == 1)
        move = json.dumps({"kind": "move", "step": 2, "at": time.time()}).encode()
        statuses = [raw(room, "POST", "/api/report", move, joined.token)[0] for _ in range(4)]
        assert statuses == [202, 202, 429, 429]
        assert room.state()["reports"] == 3


def test_leave_stops_reporting(
    room: RunningRoom, make_workspace: Callable[[str, int], Path]
) -> None:
    ada = make_workspace("ada", 2)
    join(room, ada, "Ada")
    room.wait_for(lambda s: s["reports"] == 1)
    left = cli("leave", workspace=ada)
    assert left.returncode == 0
    assert read_joined(ada) is None
    assert cli("next", workspace=ada).returncode == 0
    time.sleep(1.0)
    assert room.state()["reports"] == 1
    assert by_name(room.state())["Ada"]["step"] == 2


def test_a_room_on_postgresql(presenter: Path, make_workspace: Callable[[str, int], Path]) -> None:
    import asyncio

    from tool_tests.room.test_store import POSTGRES, _postgres_ready

    asyncio.run(_postgres_ready())
    ada, bob = make_workspace("ada", 2), make_workspace("bob", 4)
    with running_room(presenter, "--db", "postgres", "--database-url", POSTGRES) as room:
        assert room.record.database == "postgres"
        join(room, ada, "Ada")
        join(room, bob, "Bob")
        assert cli("check", workspace=ada).returncode == 0
        state = room.wait_for(
            lambda s: (
                {p["name"]: (p["step"], p["passes"]) for p in s["attendee_list"]}
                == {"Ada": (2, True), "Bob": (4, False)}
            )
        )
        assert state["reports"] == 3


def test_guessing_the_join_code_is_slowed_down(room: RunningRoom) -> None:
    wrong = json.dumps({"code": "WRONG1", "name": "Eve"}).encode()
    statuses = [raw(room, "POST", "/api/join", wrong, None)[0] for _ in range(11)]
    assert statuses == [403] * 10 + [429]
    right = json.dumps({"code": room.record.code, "name": "Eve"}).encode()
    assert raw(room, "POST", "/api/join", right, None)[0] == 429  # this address waits a minute
    assert room.state()["attendees"] == 0
