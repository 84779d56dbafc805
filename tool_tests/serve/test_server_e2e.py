"""A real uvicorn serving fixture workspaces: readiness, workspace code, the tap, clean stops."""

from __future__ import annotations

import json
import socket
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from tool_tests.serve import fixtures
from vibecode.errors import VibecodeError
from vibecode.serve.server import ServerProcess
from vibecode.tap.channel import TapReader
from vibecode.tap.events import LagEvent, RequestEvent, TapEvent

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("no_orphans")]


def get(url: str) -> tuple[int, dict[str, object]]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, json.loads(response.read())


def group_members(pid: int) -> list[psutil.Process]:
    return [p for p in psutil.process_iter() if _pgid(p.pid) == pid]


def _pgid(pid: int) -> int | None:
    import os

    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return None


def test_serves_the_workspace_code_and_the_tap_reports_each_request(app_workspace: Path) -> None:
    with ServerProcess(app_workspace, port=0, reload=False) as server:
        assert server.tap_dir is not None
        served_by = server.pid
        with TapReader(server.tap_dir, name="e2e") as reader:
            status, body = get(server.url + "/health")
            request = urllib.request.Request(
                server.url + "/items", data=b'{"name": "x"}', method="POST",
                headers={"content-type": "application/json"},
            )  # fmt: skip
            urllib.request.urlopen(request, timeout=10).close()
            events: list[TapEvent] = []
            deadline = time.monotonic() + 5
            # Wait for the last request, not a count: the readiness probe may be in the tap too.
            while time.monotonic() < deadline and not (
                any(isinstance(e, RequestEvent) and e.path == "/items" for e in events)
                and any(isinstance(e, LagEvent) for e in events)
            ):
                time.sleep(0.05)
                events += reader.drain()

    assert status == 200
    assert body["file"] == str(app_workspace / "app" / "main.py")  # not the reference copy
    requests = [e for e in events if isinstance(e, RequestEvent) and e.path != "/openapi.json"]
    assert [(e.method, e.path, e.status) for e in requests][-2:] == [
        ("GET", "/health", 200),
        ("POST", "/items", 201),
    ]
    for event in requests:
        assert event.client == "127.0.0.1"
        assert event.ms >= 0 and event.t > 1_700_000_000
        assert event.bytes > 0
        assert event.pid == served_by  # one process without reload: uvicorn runs in it
    assert any(isinstance(e, LagEvent) for e in events), events


def test_ready_through_openapi_before_health_exists_then_reloads_a_step(tmp_path: Path) -> None:
    workspace = fixtures.make_app(tmp_path / "ws", fixtures.APP_WITHOUT_HEALTH)
    with ServerProcess(workspace, port=0, reload=True) as server:
        leader = server.pid
        assert leader is not None
        assert get(server.url + "/")[1]["hello"] == "workspace"

        # The next "step" adds /health: uvicorn's reloader serves it without a restart by us.
        # uvicorn starts watching only after its worker is up, so a write in that instant goes
        # unseen: the step is written again each second until the reload shows.
        deadline = time.monotonic() + 20
        written = 0.0
        status = 0
        while time.monotonic() < deadline and status != 200:
            if time.monotonic() - written > 1:
                (workspace / "app" / "main.py").write_text(fixtures.APP_WITH_ITEMS.lstrip())
                written = time.monotonic()
            try:
                status = get(server.url + "/health")[0]
            except OSError:
                time.sleep(0.2)
        members = group_members(leader)
        assert len(members) >= 2  # the reloader and its worker

    assert status == 200
    assert not [p for p in members if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


def test_a_broken_app_fails_before_spawning_with_its_own_error(app_workspace: Path) -> None:
    (app_workspace / "app" / "main.py").write_text("def broken(:\n    pass\n")
    server = ServerProcess(app_workspace, port=0, reload=False)

    with pytest.raises(VibecodeError, match=r"SyntaxError: .*\(app/main\.py:1\)"):
        server.start()
    assert server.pid is None


def test_a_busy_port_fails_with_the_holder(app_workspace: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(VibecodeError, match=f"port {port} is already in use by python"):
            ServerProcess(app_workspace, port=port).start()


def test_an_app_that_dies_at_startup_is_reported(app_workspace: Path) -> None:
    (app_workspace / "app" / "main.py").write_text(
        "from contextlib import asynccontextmanager\n"
        "from fastapi import FastAPI\n\n"
        "@asynccontextmanager\n"
        "async def lifespan(app):\n"
        "    raise RuntimeError('database unreachable at startup')\n"
        "    yield\n\n"
        "app = FastAPI(lifespan=lifespan)\n"
    )
    server = ServerProcess(app_workspace, port=0, reload=False)
    server.start()
    try:
        with pytest.raises(VibecodeError, match=r"the server stopped: .*database unreachable"):
            server.wait_ready(20)
    finally:
        server.stop()


def test_the_server_stops_itself_when_its_parent_is_killed(app_workspace: Path) -> None:
    import subprocess
    import sys

    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from vibecode.serve.server import ServerProcess\n"
        "server = ServerProcess(Path(sys.argv[1]), port=0, reload=True)\n"
        "server.start(); server.wait_ready(30)\n"
        "print(server.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script, str(app_workspace)], stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    leader = int(parent.stdout.readline())
    members = group_members(leader)
    assert len(members) >= 2  # the reloader and its worker

    parent.kill()  # SIGKILL: no clean-up code runs in the parent
    parent.communicate()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(
        p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in members
    ):
        time.sleep(0.2)

    assert not [p for p in members if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
