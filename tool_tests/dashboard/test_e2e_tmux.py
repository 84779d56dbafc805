"""The real dashboard in a real terminal: tmux at 100x30, a real server, requests from curl."""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

from vibecode.course.manifest import load_course
from vibecode.paths import steps_root
from vibecode.workspace import apply

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.usefixtures("forget_tap_folder"),
    pytest.mark.skipif(not shutil.which("tmux") or not shutil.which("curl"), reason="needs tmux"),
]

VIBECODE = Path(sys.executable).with_name("vibecode")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Tmux:
    """A private tmux server (its own socket), killed at the end whatever happens."""

    def __init__(self) -> None:
        self.socket = f"vibecode-test-{uuid.uuid4().hex[:8]}"

    def __call__(self, *args: str) -> str:
        command = ["tmux", "-L", self.socket, *args]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout

    def pane(self) -> str:
        return self("capture-pane", "-p", "-t", "dash")

    def wait_for(self, found: Callable[[str], bool], timeout: float) -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.pane()
            if found(text):
                return text
            time.sleep(0.2)
        raise AssertionError(f"not on screen after {timeout} s:\n{text}")

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, check=False)


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    server = Tmux()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def course_workspace(tmp_path: Path) -> Path:
    """The real course's first step with a /health endpoint, applied into a fresh workspace."""
    course = load_course(steps_root())
    workspace = tmp_path / "ws"
    apply.goto(course, workspace, min(3, course.last))
    return workspace


def test_dashboard_in_tmux_shows_curl_requests_and_quits_cleanly(
    tmux: Tmux, course_workspace: Path, tmp_path: Path
) -> None:
    port = free_port()
    exit_file = tmp_path / "exit"
    command = (
        f"{shlex.quote(str(VIBECODE))} dashboard -w {shlex.quote(str(course_workspace))} "
        f"--port {port}; echo $? > {shlex.quote(str(exit_file))}"
    )
    env = {**os.environ, "TERM": "xterm-256color"}
    env.pop("VIBECODE_WORKSPACE", None)
    subprocess.run(
        [
            "tmux",
            "-L",
            tmux.socket,
            "new-session",
            "-d",
            "-s",
            "dash",
            "-x",
            "100",
            "-y",
            "30",
            command,
        ],
        env=env,
        check=True,
    )
    url = f"http://127.0.0.1:{port}"
    tmux.wait_for(lambda text: f"UP {url}" in text, timeout=60)
    pane_pid = int(tmux("list-panes", "-t", "dash", "-F", "#{pane_pid}").strip())
    started = [p.pid for p in psutil.Process(pane_pid).children(recursive=True)]
    assert len(started) >= 2  # the dashboard and the uvicorn server it started

    for path in ("/health", "/e2e-marker-one", "/e2e-marker-two"):
        subprocess.run(["curl", "-s", "-o", "/dev/null", url + path], check=True, timeout=10)
    text = tmux.wait_for(lambda text: "/e2e-marker-two" in text, timeout=20)
    lines = text.splitlines()
    marker_two = next(i for i, line in enumerate(lines) if "/e2e-marker-two" in line)
    marker_one = next(i for i, line in enumerate(lines) if "/e2e-marker-one" in line)
    assert marker_two < marker_one  # newest on top
    assert "404 Not Found" in lines[marker_two]
    assert "200 OK" in text
    assert max(len(line) for line in lines) <= 100 and len(lines) <= 30

    tmux("send-keys", "-t", "dash", "q")
    tmux.wait_for(lambda text: "Quit vibecode dashboard?" in text, timeout=10)
    tmux("send-keys", "-t", "dash", "y")
    deadline = time.monotonic() + 30
    while not exit_file.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert exit_file.read_text().strip() == "0"
    time.sleep(0.2)
    left = [pid for pid in started if psutil.pid_exists(pid) and _alive(pid)]
    assert left == [], [psutil.Process(pid).cmdline() for pid in left]
    assert not (course_workspace / ".vibecode" / "server.json").exists()
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0


def _alive(pid: int) -> bool:
    try:
        return bool(psutil.Process(pid).status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False


def _start(tmux: Tmux, name: str, size: tuple[int, int], command: str) -> None:
    env = {**os.environ, "TERM": "xterm-256color"}
    env.pop("VIBECODE_WORKSPACE", None)
    subprocess.run(
        [
            "tmux",
            "-L",
            tmux.socket,
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            str(size[0]),
            "-y",
            str(size[1]),
            command,
        ],
        env=env,
        check=True,
    )


def _pane(tmux: Tmux, name: str) -> str:
    return tmux("capture-pane", "-p", "-t", name)


def _wait(tmux: Tmux, name: str, found: Callable[[str], bool], timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = _pane(tmux, name)
        if found(text):
            return text
        time.sleep(0.1)
    raise AssertionError(f"not on screen of {name} after {timeout} s:\n{text}")


def test_the_presenter_view_drives_the_dashboard_at_80x24(
    tmux: Tmux, course_workspace: Path
) -> None:
    from vibecode.workspace.files import scan
    from vibecode.workspace.state import load_state

    course = load_course(steps_root())
    port = free_port()
    ws = shlex.quote(str(course_workspace))
    _start(tmux, "dash", (80, 24), f"{shlex.quote(str(VIBECODE))} dashboard -w {ws} --port {port}")
    _wait(tmux, "dash", lambda text: f"UP http://127.0.0.1:{port}" in text, timeout=60)
    _start(tmux, "notes", (100, 30), f"{shlex.quote(str(VIBECODE))} notes -w {ws}")
    _wait(tmux, "notes", lambda text: "PRESENTER · Step 3 of" in text)
    _wait(tmux, "notes", lambda text: "live requests" in text)  # it sees the audience view

    tmux("send-keys", "-t", "notes", "c")  # the talk timer, shared through the workspace
    _wait(tmux, "dash", lambda text: "▶ running" in text)
    tmux("send-keys", "-t", "notes", "n")  # the presenter moves the step...
    _wait(tmux, "dash", lambda text: f"Step 4 of {course.last}" in text)  # ...the room follows
    _wait(tmux, "notes", lambda text: "PRESENTER · Step 4 of" in text)

    tmux("send-keys", "-t", "notes", "t")  # type step 5 on the projected screen
    _wait(tmux, "dash", lambda text: "Typing step 5" in text)
    _wait(tmux, "notes", lambda text: "typing " in text and "hunk 1 of" in text)
    from vibecode.live.plan import plan_step

    first = plan_step(course, 5).files[0]
    typed = first.typed_text(first.hunks[0])
    # The first key takes the hunk's removed lines away; the next three type three characters
    # each: what appears is the step's own text, whatever key the presenter hits.
    expected = typed[:9].strip() if first.hunks[0].removes else typed[:12].strip()
    assert expected not in _pane(tmux, "dash")
    for _ in range(4):
        tmux("send-keys", "-t", "notes", "x")  # magic typing from the laptop
    grown = _wait(tmux, "dash", lambda text: expected in text)
    assert "Typing step 5" in grown and "xxxx" not in grown
    tmux("send-keys", "-t", "notes", "C-e")  # the rest of the step
    _wait(tmux, "dash", lambda text: "Step 5 typed" in text, timeout=60)
    deadline = time.monotonic() + 30  # the last writes and the engine's final move follow
    while time.monotonic() < deadline:
        files = {path: file.read_bytes() for path, file in scan(course_workspace).items()}
        if files == course.checkpoint(5) and load_state(course_workspace).step == 5:
            break
        time.sleep(0.2)
    assert files == course.checkpoint(5)
    assert load_state(course_workspace).step == 5
    # The room is back to the live requests: keys in the presenter view are its own again.
    _wait(tmux, "notes", lambda text: "live requests" in text)
    for name in ("notes", "dash"):
        tmux("send-keys", "-t", name, "q")
        _wait(tmux, name, lambda text: "Quit vibecode" in text)
        tmux("send-keys", "-t", name, "y")


def test_request_ids_paths_and_statuses_whole_at_100_and_80_columns(
    tmux: Tmux, tmp_path: Path
) -> None:
    """Step 12 served for real: the generic 500's id in the table, nothing clipped at 80 either."""
    course = load_course(steps_root())
    workspace = tmp_path / "ws"
    apply.goto(course, workspace, 12)
    port = free_port()
    ws = shlex.quote(str(workspace))
    _start(tmux, "dash", (100, 30), f"{shlex.quote(str(VIBECODE))} dashboard -w {ws} --port {port}")
    url = f"http://127.0.0.1:{port}"
    _wait(tmux, "dash", lambda text: f"UP {url}" in text, timeout=60)
    curl = ["curl", "-s", "-o", "/dev/null"]
    subprocess.run([*curl, url + "/demo/blocking-sleep?ms=50"], check=True, timeout=10)
    subprocess.run([*curl, url + "/demo/async-sleep?ms=50"], check=True, timeout=10)
    subprocess.run([*curl, "-H", "X-Request-ID: e2e-fail-7", url + "/demo/fail"], timeout=10)

    wide = _wait(tmux, "dash", lambda text: "/demo/fail" in text, timeout=20)
    [fail] = [line for line in wide.splitlines() if "/demo/fail" in line]
    assert "500 Internal Server Error" in fail and "e2e-fail-7" in fail, wide
    assert "Request id" in wide
    assert "/demo/blocking-sleep" in wide and "/demo/async-sleep" in wide

    tmux("resize-window", "-t", "dash", "-x", "80", "-y", "24")
    narrow = _wait(tmux, "dash", lambda text: "Request id" not in text and "/demo/fail" in text)
    [fail] = [line for line in narrow.splitlines() if "/demo/fail" in line]
    assert "500 Internal Server Error" in fail  # the status text whole
    assert "/demo/blocking-sleep" in narrow and "/demo/async-sleep" in narrow  # never "/demo/bl…"
    assert max(len(line) for line in narrow.splitlines()) <= 80
    tmux("send-keys", "-t", "dash", "q")
    _wait(tmux, "dash", lambda text: "Quit vibecode" in text)
    tmux("send-keys", "-t", "dash", "y")
