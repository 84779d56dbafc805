"""The one call each workspace command makes about the room.

Each is a no-op in a workspace that joined no room, never raises, never waits for the room
(reports go in the background, see `client.send_in_background`), and sends only the step,
test names, outcomes and timestamps: never code or file contents.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vibecode.workspace.checks import TestReport

MAX_TESTS = 500
MAX_TEST_NAME = 200


def moved(workspace: Path, step: int) -> None:
    """`next`, `prev`, `goto` or `reset` left the workspace at `step`."""
    _report(workspace, {"kind": "move", "step": step, "at": time.time()})


def checked(workspace: Path, step: int, report: TestReport) -> None:
    """`check` ran `report.step`'s tests while the workspace was at `step`."""
    tests = [
        {"name": name[:MAX_TEST_NAME], "outcome": outcome}
        for name, outcome in report.outcomes[:MAX_TESTS]
    ]
    _report(
        workspace,
        {
            "kind": "check",
            "step": step,
            "at": time.time(),
            "checked": report.step,
            "ok": report.ok,
            "tests": tests,
        },
    )


def _report(workspace: Path, body: dict[str, object]) -> None:
    try:
        from vibecode.room.client import send_in_background
        from vibecode.room.record import read_joined

        joined = read_joined(workspace)
        if joined is not None:
            send_in_background(joined.url, "/api/report", body, token=joined.token)
    except Exception:  # the room is an extra: it never fails the attendee's command
        return


def status_line(workspace: Path, step: int) -> str | None:
    """`vibecode status`'s line about the room ("the presenter is at step 9, you are at 7")."""
    from vibecode.room.record import read_hosted, read_joined

    joined = read_joined(workspace)
    if joined is None:
        hosted = read_hosted(workspace)
        if hosted is None:
            return None
        return f"Room: you host {hosted.join_url} (join code {hosted.code})"
    from vibecode.room.client import RoomRefused, RoomUnreachable, call

    try:
        answer = call(joined.url, "GET", "/api/presenter", token=joined.token)
        presenter = int(answer["presenter_step"])
    except (RoomUnreachable, RoomRefused, KeyError, TypeError, ValueError) as error:
        return f"Room: {error} (reports are dropped meanwhile; `vibecode leave` stops them)"
    return f"Room: the presenter is at step {presenter}, you are at {step}"
