"""A private tmux server for the tests that drive the tool in a real terminal."""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Callable


class Tmux:
    """A tmux server on its own socket, killed at the end whatever happens (see the `tmux`
    fixture); `session` is the session the methods act on unless told another."""

    def __init__(self, session: str = "t") -> None:
        self.socket = f"vibecode-test-{uuid.uuid4().hex[:8]}"
        self.session = session

    def __call__(self, *args: str) -> str:
        command = ["tmux", "-L", self.socket, *args]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout

    def start(self, command: str, *, size: tuple[int, int], session: str | None = None) -> None:
        """Run `command` in a new detached session of `size` columns x rows, as a terminal
        emulator would (TERM set; the tests' VIBECODE_WORKSPACE not inherited)."""
        env = {**os.environ, "TERM": "xterm-256color"}
        env.pop("VIBECODE_WORKSPACE", None)
        name = session or self.session
        width, height = (str(n) for n in size)
        subprocess.run(
            ["tmux", "-L", self.socket, "new-session", "-d", "-s", name, "-x", width, "-y", height,
             command],
            env=env,
            check=True,
        )  # fmt: skip

    def pane(self, session: str | None = None) -> str:
        """What the session's pane shows now."""
        return self("capture-pane", "-p", "-t", session or self.session)

    def key(self, *keys: str, session: str | None = None) -> None:
        """Send keys to the session, as tmux names them (`Enter`, `C-e`, `x`)."""
        self("send-keys", "-t", session or self.session, *keys)

    def wait_for(
        self, found: Callable[[str], bool], timeout: float = 30, *, session: str | None = None
    ) -> str:
        """The pane as soon as `found(pane)` holds; AssertionError with the pane after `timeout`."""
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.pane(session)
            if found(text):
                return text
            time.sleep(0.05)
        raise AssertionError(
            f"not on screen of {session or self.session} after {timeout} s:\n{text}"
        )

    def kill(self) -> None:
        """Stop the server and everything running in it."""
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, check=False)
