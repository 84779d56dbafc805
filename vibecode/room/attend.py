"""The attendee's side: join a room, leave it."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from vibecode.errors import VibecodeError
from vibecode.room.client import RoomRefused, call, send_in_background
from vibecode.room.record import JoinedRoom, forget_joined, write_joined

JOIN_TIMEOUT_S = 5.0


def split_join_url(url: str, code: str | None) -> tuple[str, str]:
    """The room's base URL and the join code (a QR code's `.../join?code=X` carries both)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise VibecodeError(
            f"not a room URL: {url!r}", hint="the presenter's screen shows one: http://HOST:PORT"
        )
    found = parse_qs(parts.query).get("code", [None])[0]
    chosen = (code or found or "").strip().upper()
    if not chosen:
        raise VibecodeError("the join code is missing", hint="vibecode join URL CODE --name NAME")
    return f"{parts.scheme}://{parts.netloc}", chosen


JOIN_HINTS = {
    403: "check the code on the presenter's screen",
    409: "the presenter closed the room to newcomers: ask them",
    422: "a name is 1 to 40 printable characters",
}
"""What to do about each refusal of a join, by the room's status."""


def join(workspace: Path, url: str, code: str | None, *, name: str) -> JoinedRoom:
    """Exchange the join code for this attendee's token and record the room."""
    from vibecode.workspace.state import load_state

    step = load_state(workspace).step  # only a workspace reports
    base, chosen = split_join_url(url, code)
    try:
        answer = call(
            base,
            "POST",
            "/api/join",
            body={"code": chosen, "name": name},
            timeout=JOIN_TIMEOUT_S,
        )
    except RoomRefused as error:
        raise VibecodeError(str(error), hint=JOIN_HINTS.get(error.status)) from None
    room = JoinedRoom(
        url=base, token=str(answer["token"]), name=name, attendee=int(answer["attendee"])
    )
    write_joined(workspace, room)
    send_in_background(
        base, "/api/report", {"kind": "move", "step": step, "at": time.time()}, token=room.token
    )
    return room


def leave(workspace: Path) -> bool:
    """Stop reporting; False when this workspace had joined no room."""
    return forget_joined(workspace)
