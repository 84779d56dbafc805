"""A real room for the tests: `vibecode room` in its own process on a free port."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vibecode.room.client import RoomRefused, RoomUnreachable, call
from vibecode.room.record import HostedRoom, read_hosted


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cli(*args: str, workspace: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`vibecode ARGS -w WORKSPACE` in a subprocess, as a person runs it."""
    return subprocess.run(
        [sys.executable, "-m", "vibecode", *args, "-w", str(workspace)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@dataclass
class RunningRoom:
    """A `vibecode room` process and what it recorded in the presenter's workspace."""

    process: subprocess.Popen[str]
    workspace: Path
    record: HostedRoom

    @property
    def url(self) -> str:
        return self.record.url

    def state(self) -> dict[str, Any]:
        """`/api/room` with the presenter token."""
        answer: dict[str, Any] = call(
            self.url, "GET", "/api/room", token=self.record.token, timeout=5
        )
        return answer

    def wait_for(
        self, condition: Callable[[dict[str, Any]], bool], timeout: float = 20
    ) -> dict[str, Any]:
        """The room's state once `condition` holds (AssertionError with the last state if not)."""
        deadline = time.monotonic() + timeout
        state = self.state()
        while not condition(state):
            if time.monotonic() > deadline:
                raise AssertionError(f"the room never got there: {state}")
            time.sleep(0.1)
            state = self.state()
        return state

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        if self.process.stdout is not None:
            self.process.stdout.close()


@contextlib.contextmanager
def running_room(
    workspace: Path, *extra: str, env: dict[str, str] | None = None
) -> Iterator[RunningRoom]:
    """Start `vibecode room` on the presenter's `workspace` and wait until it answers."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "vibecode",
            "room",
            "-w",
            str(workspace),
            "--port",
            str(port),
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        env={**os.environ, **(env or {})},
    )
    room: RunningRoom | None = None
    try:
        deadline = time.monotonic() + 30
        while True:
            record = read_hosted(workspace)
            if record is not None and record.url.endswith(f":{port}"):
                with contextlib.suppress(RoomUnreachable, RoomRefused):
                    call(record.url, "GET", "/health", timeout=1)
                    room = RunningRoom(process, workspace, record)
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read() if process.stdout else ""
                raise AssertionError(f"the room did not start: {output}")
            time.sleep(0.1)
        yield room
    finally:
        if room is not None:
            room.stop()
        else:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
            if process.stdout is not None:
                process.stdout.close()
