"""HTTP to the room with the standard library only (the workspace commands import it).

`call` is the one place that talks HTTP; it turns every network failure into `RoomUnreachable`.
`send_in_background` is how a workspace command reports: a detached grandchild process sends
the report with a short timeout while the command goes on, so a slow, full or vanished room
never slows or fails the attendee's command (a report the room does not take is dropped).
"""

from __future__ import annotations

import json
import os
import signal
import threading
from http.client import HTTPConnection, HTTPException, HTTPSConnection
from typing import Any
from urllib.parse import urlsplit

from vibecode.errors import VibecodeError

REPORT_TIMEOUT_S = 3.0
"""How long a background report may wait for the room before it is dropped."""
ASK_TIMEOUT_S = 0.5
"""How long a command waits for an answer it shows (`vibecode status`)."""


class RoomUnreachable(VibecodeError):
    """The room did not answer (stopped, wrong address, too slow)."""


class RoomRefused(VibecodeError):
    """The room answered with an error status; `.status` holds it."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def call(
    url: str,
    method: str,
    path: str,
    *,
    body: Any = None,
    token: str | None = None,
    timeout: float = ASK_TIMEOUT_S,
    connection: HTTPConnection | None = None,
) -> Any:
    """Send one request to the room at `url` and return its JSON answer (2xx only).

    `connection` reuses a keep-alive connection (the dashboard's poll, the benchmark).
    """
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body, separators=(",", ":")).encode("utf-8")
        headers["Content-Type"] = "application/json"
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    own = connection is None
    conn = connection or open_connection(url, timeout=timeout)
    try:
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        raw = response.read()
    except (OSError, HTTPException) as error:
        conn.close()
        raise RoomUnreachable(
            f"the room at {url} does not answer ({error or 'timed out'})"
        ) from None
    finally:
        if own:
            conn.close()
    try:
        answer = json.loads(raw) if raw else None
    except ValueError:
        answer = None
    if not 200 <= response.status < 300:
        detail = answer.get("detail") if isinstance(answer, dict) else None
        raise RoomRefused(response.status, f"the room says: {detail or response.reason}")
    return answer


def open_connection(url: str, *, timeout: float) -> HTTPConnection:
    """A connection to the room at `url` (http or https)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise VibecodeError(f"not a room URL: {url!r}", hint="it looks like http://HOST:PORT")
    kind = HTTPSConnection if parts.scheme == "https" else HTTPConnection
    return kind(parts.hostname, parts.port, timeout=timeout)


def send_in_background(url: str, path: str, body: Any, *, token: str) -> None:
    """POST `body` to the room without waiting for it: the command never notices the room."""
    if not hasattr(os, "fork"):  # no fork (Windows): a daemon thread, lost if the command ends
        threading.Thread(target=_send_quietly, args=(url, path, body, token), daemon=True).start()
        return
    try:
        child = os.fork()
    except OSError:
        return
    if child:
        # The child forks the sender and exits at once: reaping it keeps no zombie around.
        os.waitpid(child, 0)
        return
    try:
        if os.fork():
            os._exit(0)
        os.setsid()  # a Ctrl-C in the terminal is meant for the command, not for the report
        # Forked from a process that may have had threads: whatever the child inherited, it
        # is gone a little after its timeout.
        signal.alarm(int(REPORT_TIMEOUT_S) + 2)
        # Let go of the command's terminal and pipes (a caller waiting for the output must not
        # wait for the report) and of every other descriptor (the workspace lock's among them).
        devnull = os.open(os.devnull, os.O_RDWR)
        for descriptor in (0, 1, 2):
            os.dup2(devnull, descriptor)
        os.closerange(3, 65536)
        _send_quietly(url, path, body, token)
    finally:
        os._exit(0)


def _send_quietly(url: str, path: str, body: Any, token: str) -> None:
    try:
        call(url, "POST", path, body=body, token=token, timeout=REPORT_TIMEOUT_S)
    except Exception:  # a report is best effort: nothing may escape to the attendee
        return
