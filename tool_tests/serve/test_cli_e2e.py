"""`vibecode serve`, `demo`, `watch` as users run them: real subprocesses, real signals."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import psutil
import pytest

from vibecode.course.manifest import load_course
from vibecode.serve.preflight import free_port
from vibecode.workspace.apply import goto

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("no_orphans")]


def vibecode(*args: str, **kwargs: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "vibecode", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def wait_for_record(workspace: Path, process: subprocess.Popen[str]) -> dict[str, object]:
    path = workspace / ".vibecode" / "server.json"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if path.exists():
            return dict(json.loads(path.read_text()))
        if process.poll() is not None:
            pytest.fail(f"serve exited {process.returncode}: {process.communicate()}")
        time.sleep(0.1)
    process.kill()
    pytest.fail("the server never came up")


def wait_until(predicate: object, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.2)
    return False


def test_serve_demo_step_change_and_ctrl_c_leaves_nothing(
    course_root: Path, workspace: Path
) -> None:
    course = load_course(course_root)
    goto(course, workspace, 1)
    port = free_port()
    serve = vibecode("serve", "--port", str(port))
    try:
        record = wait_for_record(workspace, serve)
        assert record["url"] == f"http://127.0.0.1:{port}"
        assert record["step"] == 1
        descendants = psutil.Process(serve.pid).children(recursive=True)
        assert descendants

        demo = subprocess.run([sys.executable, "-m", "vibecode", "demo"],
                              capture_output=True, text=True, timeout=60)  # fmt: skip
        assert demo.returncode == 0, demo.stderr
        assert f"GET http://127.0.0.1:{port}/" in demo.stdout
        assert "200 OK" in demo.stdout

        # Moving to step 2 while serving: the code reloads, the record follows.
        goto(course, workspace, 2)
        assert wait_until(lambda: _status(f"http://127.0.0.1:{port}/health") == 200)
        assert wait_until(
            lambda: json.loads((workspace / ".vibecode" / "server.json").read_text())["step"] == 2
        )
        demo = subprocess.run([sys.executable, "-m", "vibecode", "demo"],
                              capture_output=True, text=True, timeout=60)  # fmt: skip
        assert demo.returncode == 0, demo.stdout + demo.stderr
        assert "201 Created" in demo.stdout
        assert "Authorization: Bearer t-demo-" in demo.stdout
    finally:
        serve.send_signal(signal.SIGINT)
        out, err = serve.communicate(timeout=30)

    assert serve.returncode == 0, err
    assert "Stopped." in out
    assert not [p for p in descendants if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not (workspace / ".vibecode" / "server.json").exists()


def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return int(response.status)
    except OSError:
        return None


def test_serve_a_broken_app_is_one_line_and_exit_2(course_root: Path, workspace: Path) -> None:
    goto(load_course(course_root), workspace, 1)
    (workspace / "app" / "main.py").write_text("from fastapi import FastAPI\napp = FastAPI(\n")

    serve = vibecode("serve", "--port", str(free_port()))
    _, err = serve.communicate(timeout=60)

    assert serve.returncode == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "the workspace app fails to import: SyntaxError:" in lines[0]
    assert "app/main.py:2" in lines[0]


def test_demo_without_a_server_says_how_to_start_one(course_root: Path, workspace: Path) -> None:
    goto(load_course(course_root), workspace, 1)

    demo = subprocess.run([sys.executable, "-m", "vibecode", "demo"],
                          capture_output=True, text=True, timeout=60)  # fmt: skip

    assert demo.returncode == 2
    assert "no server is running" in demo.stderr
    assert "vibecode serve" in demo.stderr and "--start" in demo.stderr


def test_demo_start_and_a_failed_expectation_exit_1(
    tmp_path: Path, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tool_tests.serve import fixtures

    steps = fixtures.make_course(tmp_path / "bad-steps", read_expect=418)
    monkeypatch.setenv("VIBECODE_STEPS", str(steps))
    goto(load_course(steps), workspace, 2)

    demo = subprocess.run([sys.executable, "-m", "vibecode", "demo", "read", "--start"],
                          capture_output=True, text=True, timeout=90)  # fmt: skip

    assert demo.returncode == 1, demo.stderr
    assert "POST" in demo.stdout  # `read` needs the id `create` captures: it runs first
    assert "expected 418, got 200" in demo.stdout
    assert "1 of 2 failed: read" in demo.stdout


def test_watch_prints_live_requests(app_workspace: Path) -> None:
    from vibecode.serve.server import ServerProcess

    with ServerProcess(app_workspace, port=0, reload=False) as server:
        env = {**os.environ, "VIBECODE_WORKSPACE": str(app_workspace), "COLUMNS": "160"}
        watch = vibecode("watch", env=env)
        try:
            time.sleep(1.5)  # the reader registers itself
            for _ in range(3):
                _status(server.url + "/health")
            time.sleep(0.5)
        finally:
            watch.send_signal(signal.SIGINT)
            out, err = watch.communicate(timeout=10)

    assert watch.returncode == 0, err
    lines = [line for line in out.splitlines() if "/health" in line]
    assert len(lines) >= 3
    assert "GET" in lines[0] and "200" in lines[0] and "ms" in lines[0] and "127.0.0.1" in lines[0]


def test_serve_on_a_busy_port_names_the_holder(course_root: Path, workspace: Path) -> None:
    import socket

    goto(load_course(course_root), workspace, 1)
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        serve = vibecode("serve", "--port", str(port))
        _, err = serve.communicate(timeout=60)

    assert serve.returncode == 2
    assert err.count("\n") == 1, err
    assert f"port {port} is already in use by python (pid {os.getpid()})" in err


def test_serve_with_postgres_down_is_one_line(course_root: Path, workspace: Path) -> None:
    goto(load_course(course_root), workspace, 1)
    closed = free_port()
    env = {**os.environ, "DATABASE_URL": f"postgresql+asyncpg://postgres@127.0.0.1:{closed}/x"}

    serve = vibecode("serve", "--db", "postgres", "--port", str(free_port()), env=env)
    _, err = serve.communicate(timeout=60)

    assert serve.returncode == 2
    assert err.count("\n") == 1, err
    assert f"PostgreSQL is not reachable at 127.0.0.1:{closed}" in err
