"""`RecordedServer` in this process on real uvicorn: a crash is recorded, a restart heals it."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from vibecode.errors import VibecodeError
from vibecode.serve import recorded
from vibecode.serve.record import read_server
from vibecode.serve.recorded import RecordedServer, ServerEvent

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("no_orphans")]


def test_a_killed_server_is_recorded_broken_and_a_restart_request_brings_it_back(
    app_workspace: Path,
) -> None:
    events: list[ServerEvent] = []
    server = RecordedServer(app_workspace, port=0, reload=False, on_event=events.append)
    server.start()
    try:
        first = read_server(app_workspace)
        assert first is not None and first.up and first.owner == os.getpid()
        assert first.pid is not None
        recorded.ensure_answering(first.url, workspace=app_workspace)

        os.killpg(first.pid, signal.SIGKILL)  # the child dies behind the owner's back
        deadline = time.monotonic() + 10
        while (read_server(app_workspace) or first).state != "broken":
            assert time.monotonic() < deadline, "the supervisor never noticed"
            time.sleep(0.05)
        broken = read_server(app_workspace)
        assert broken is not None and (broken.problem or "").startswith("the server stopped")
        with pytest.raises(VibecodeError, match="the server stopped"):
            recorded.ensure_answering(first.url, workspace=app_workspace)

        again = recorded.restart(app_workspace, by="the test")  # as another process would
        assert again.up and again.generation == first.generation + 1 and again.pid != first.pid
        recorded.ensure_answering(again.url, workspace=app_workspace)
        assert [event.kind for event in events][-2:] == ["broken", "restarted"]
        assert "asked by the test" in events[-1].message
    finally:
        server.stop()
    assert read_server(app_workspace) is None
    with pytest.raises(VibecodeError, match="no server is running"):
        recorded.restart(app_workspace, by="the test")


def test_a_second_owner_is_refused_with_one_line(
    app_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with RecordedServer(app_workspace, port=0, reload=False) as first:
        found = read_server(app_workspace)
        assert found is not None and found.url == first.url
        owner = os.getpid()
        monkeypatch.setattr(os, "getpid", lambda: owner + 1)  # as another process would see it
        with pytest.raises(VibecodeError, match="already running at") as refused:
            RecordedServer(app_workspace, port=0, reload=False).start()
        monkeypatch.undo()
        assert "(" not in (refused.value.hint or "")  # no nested parentheses in the hint
