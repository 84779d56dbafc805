"""The real dashboard in a real terminal: tmux at 100x30, a real server, requests from curl."""

from __future__ import annotations

import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tool_tests.tmux_kit import Tmux
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
    tmux.start(command, size=(100, 30), session="dash")
    url = f"http://127.0.0.1:{port}"
    tmux.wait_for(lambda text: f"UP {url}" in text, timeout=60, session="dash")
    pane_pid = int(tmux("list-panes", "-t", "dash", "-F", "#{pane_pid}").strip())
    started = [p.pid for p in psutil.Process(pane_pid).children(recursive=True)]
    assert len(started) >= 2  # the dashboard and the uvicorn server it started

    for path in ("/health", "/e2e-marker-one", "/e2e-marker-two"):
        subprocess.run(["curl", "-s", "-o", "/dev/null", url + path], check=True, timeout=10)
    text = tmux.wait_for(lambda text: "/e2e-marker-two" in text, timeout=20, session="dash")
    lines = text.splitlines()
    marker_two = next(i for i, line in enumerate(lines) if "/e2e-marker-two" in line)
    marker_one = next(i for i, line in enumerate(lines) if "/e2e-marker-one" in line)
    assert marker_two < marker_one  # newest on top
    assert "404 Not Found" in lines[marker_two]
    assert "200 OK" in text
    assert max(len(line) for line in lines) <= 100 and len(lines) <= 30

    tmux("send-keys", "-t", "dash", "q")
    tmux.wait_for(lambda text: "Quit vibecode dashboard?" in text, timeout=10, session="dash")
    tmux("send-keys", "-t", "dash", "y")
    deadline = time.monotonic() + 30
    while not exit_file.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert exit_file.read_text().strip() == "0"
    time.sleep(0.2)
    left = [pid for pid in started if psutil.pid_exists(pid) and _alive(pid)]
    assert left == [], [psutil.Process(pid).cmdline() for pid in left]
    assert not (course_workspace / ".vibecode" / "server.json").exists()
    from vibecode.tap.channel import tap_dir_for

    assert not tap_dir_for(course_workspace).exists()  # its tap folder went with its server
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0


def _alive(pid: int) -> bool:
    try:
        return bool(psutil.Process(pid).status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False


def test_the_presenter_view_drives_the_dashboard_at_80x24(
    tmux: Tmux, course_workspace: Path
) -> None:
    from vibecode.workspace.files import scan
    from vibecode.workspace.state import load_state

    course = load_course(steps_root())
    port = free_port()
    ws = shlex.quote(str(course_workspace))
    tmux.start(
        f"{shlex.quote(str(VIBECODE))} dashboard -w {ws} --port {port}",
        size=(80, 24),
        session="dash",
    )
    tmux.wait_for(lambda text: f"UP http://127.0.0.1:{port}" in text, timeout=60, session="dash")
    tmux.start(f"{shlex.quote(str(VIBECODE))} notes -w {ws}", size=(100, 30), session="notes")
    tmux.wait_for(lambda text: "PRESENTER · Step 3 of" in text, session="notes")
    tmux.wait_for(
        lambda text: "live requests" in text, session="notes"
    )  # it sees the audience view

    tmux("send-keys", "-t", "notes", "c")  # the talk timer, shared through the workspace
    tmux.wait_for(lambda text: "▶ running" in text, session="dash")
    tmux("send-keys", "-t", "notes", "n")  # the presenter moves the step...
    tmux.wait_for(
        lambda text: f"Step 4 of {course.last}" in text, session="dash"
    )  # ...the room follows
    tmux.wait_for(lambda text: "PRESENTER · Step 4 of" in text, session="notes")

    tmux("send-keys", "-t", "notes", "t")  # type step 5 on the projected screen
    tmux.wait_for(lambda text: "Typing step 5" in text, session="dash")
    tmux.wait_for(lambda text: "typing " in text and "hunk 1 of" in text, session="notes")
    from vibecode.live.plan import plan_step

    first = plan_step(course, 5).files[0]
    typed = first.typed_text(first.hunks[0])
    # The first key takes the hunk's removed lines away; the next three type three characters
    # each: what appears is the step's own text, whatever key the presenter hits.
    expected = typed[:9].strip() if first.hunks[0].removes else typed[:12].strip()
    assert expected not in tmux.pane("dash")
    for _ in range(4):
        tmux("send-keys", "-t", "notes", "x")  # magic typing from the laptop
    grown = tmux.wait_for(lambda text: expected in text, session="dash")
    assert "Typing step 5" in grown and "xxxx" not in grown
    tmux("send-keys", "-t", "notes", "C-e")  # the rest of the step
    tmux.wait_for(lambda text: "Step 5 typed" in text, timeout=60, session="dash")
    deadline = time.monotonic() + 30  # the last writes and the engine's final move follow
    while time.monotonic() < deadline:
        files = {path: file.read_bytes() for path, file in scan(course_workspace).items()}
        if files == course.checkpoint(5) and load_state(course_workspace).step == 5:
            break
        time.sleep(0.2)
    assert files == course.checkpoint(5)
    assert load_state(course_workspace).step == 5
    # The room is back to the live requests: keys in the presenter view are its own again.
    tmux.wait_for(lambda text: "live requests" in text, session="notes")
    for name in ("notes", "dash"):
        tmux("send-keys", "-t", name, "q")
        tmux.wait_for(lambda text: "Quit vibecode" in text, session=name)
        tmux("send-keys", "-t", name, "y")


def test_the_dashboard_restarts_rescues_and_checks_the_server_vibecode_serve_runs(
    tmux: Tmux, course_workspace: Path
) -> None:
    from vibecode.serve.record import read_server

    port = free_port()
    ws = shlex.quote(str(course_workspace))
    vibecode = shlex.quote(str(VIBECODE))
    # The pane stays after serve exits, so its last lines can be read.
    tmux.start(f"{vibecode} serve -w {ws} --port {port}; sleep 60", size=(100, 30), session="serve")
    tmux.wait_for(lambda text: "Serving http" in text, timeout=60, session="serve")
    tmux.start(f"{vibecode} dashboard -w {ws} --port {free_port()}", size=(100, 30), session="dash")
    tmux.wait_for(lambda text: f"UP http://127.0.0.1:{port}" in text, timeout=60, session="dash")
    before = read_server(course_workspace)
    assert before is not None and before.up

    tmux("send-keys", "-t", "dash", "r")  # the server `vibecode serve` runs, through its record
    tmux.wait_for(lambda text: "Server restart: up." in text, session="dash")
    after = read_server(course_workspace)
    assert after is not None and after.generation == before.generation + 1
    assert after.pid != before.pid
    assert "not started by the dashboard" not in tmux.pane("dash")
    tmux.wait_for(lambda text: "asked by the dashboard" in text, session="serve")

    main = course_workspace / "app" / "main.py"
    main.write_text(main.read_text() + "\nbroken = undefined_name\n")
    tmux.wait_for(lambda text: "NameError" in text, session="dash")  # the server panel knows it
    tmux("send-keys", "-t", "dash", "d")
    pressed = time.monotonic()
    shown = tmux.wait_for(
        lambda text: "fails to import: NameError" in text, timeout=10, session="dash"
    )
    assert time.monotonic() - pressed < 3  # no 30 s wait per request
    assert "app/main.py:" in shown

    time.sleep(0.5)  # the demo's job ends just after its error is on screen
    tmux("send-keys", "-t", "dash", "!")
    screen = tmux.wait_for(lambda text: "Rescued in" in text, timeout=30, session="dash")
    assert f"Server restarted and ready at http://127.0.0.1:{port}." in screen, screen
    saved = list((course_workspace / ".vibecode" / "saved").iterdir())
    assert len(saved) == 1 and (saved[0] / "files" / "app" / "main.py").is_file()
    assert "undefined_name" not in main.read_text()
    rescued = read_server(course_workspace)
    assert rescued is not None and rescued.up and rescued.generation == after.generation + 1

    tmux("send-keys", "-t", "dash", "q")
    tmux.wait_for(lambda text: "Quit vibecode" in text, session="dash")
    tmux("send-keys", "-t", "dash", "y")
    tmux("send-keys", "-t", "serve", "C-c")
    tmux.wait_for(
        lambda text: "Stopped. Nothing left running." in text, timeout=30, session="serve"
    )
    assert read_server(course_workspace) is None


def test_request_ids_paths_and_statuses_whole_at_100_and_80_columns(
    tmux: Tmux, tmp_path: Path
) -> None:
    """Step 12 served for real: the generic 500's id in the table, nothing clipped at 80 either."""
    course = load_course(steps_root())
    workspace = tmp_path / "ws"
    apply.goto(course, workspace, 12)
    port = free_port()
    ws = shlex.quote(str(workspace))
    tmux.start(
        f"{shlex.quote(str(VIBECODE))} dashboard -w {ws} --port {port}",
        size=(100, 30),
        session="dash",
    )
    url = f"http://127.0.0.1:{port}"
    tmux.wait_for(lambda text: f"UP {url}" in text, timeout=60, session="dash")
    curl = ["curl", "-s", "-o", "/dev/null"]
    subprocess.run([*curl, url + "/demo/blocking-sleep?ms=50"], check=True, timeout=10)
    subprocess.run([*curl, url + "/demo/async-sleep?ms=50"], check=True, timeout=10)
    subprocess.run([*curl, "-H", "X-Request-ID: e2e-fail-7", url + "/demo/fail"], timeout=10)

    wide = tmux.wait_for(lambda text: "/demo/fail" in text, timeout=20, session="dash")
    [fail] = [line for line in wide.splitlines() if "/demo/fail" in line]
    assert "500 Internal Server Error" in fail and "e2e-fail-7" in fail, wide
    assert "Request id" in wide
    assert "/demo/blocking-sleep" in wide and "/demo/async-sleep" in wide

    tmux("resize-window", "-t", "dash", "-x", "80", "-y", "24")
    narrow = tmux.wait_for(
        lambda text: "Request id" not in text and "/demo/fail" in text, session="dash"
    )
    [fail] = [line for line in narrow.splitlines() if "/demo/fail" in line]
    assert "500 Internal Server Error" in fail  # the status text whole
    assert "/demo/blocking-sleep" in narrow and "/demo/async-sleep" in narrow  # never "/demo/bl…"
    assert max(len(line) for line in narrow.splitlines()) <= 80
    tmux("send-keys", "-t", "dash", "q")
    tmux.wait_for(lambda text: "Quit vibecode" in text, session="dash")
    tmux("send-keys", "-t", "dash", "y")
