"""The recorded server on stage: real `vibecode` commands, real uvicorn, the real course."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from vibecode.course.manifest import load_course
from vibecode.paths import steps_root
from vibecode.serve.preflight import free_port
from vibecode.serve.record import read_server
from vibecode.tap.channel import tap_dir_for
from vibecode.workspace.apply import goto

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("no_orphans")]


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vibecode", *args],
                          capture_output=True, text=True, timeout=timeout)  # fmt: skip


def wait_until(predicate: Callable[[], object], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def state_of(workspace: Path) -> str | None:
    found = read_server(workspace)
    return found.state if found is not None else None


class Serve:
    """`vibecode serve` in the background; `finish()` stops it with Ctrl-C and returns stdout."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "vibecode", "serve", "--port", str(self.port), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "COLUMNS": "200", **(env or {})},
        )

    def finish(self) -> str:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        out, err = self.process.communicate(timeout=30)
        assert self.process.returncode == 0, err
        return out


@pytest.fixture
def serve() -> Iterator[Callable[..., Serve]]:
    started: list[Serve] = []

    def start(*args: str, env: dict[str, str] | None = None) -> Serve:
        started.append(Serve(*args, env=env))
        return started[-1]

    yield start
    for server in started:
        if server.process.poll() is None:
            server.process.kill()
            server.process.communicate()


def test_the_pre_flight_order_reset_to_0_then_serve_then_next_and_back(
    workspace: Path, serve: Callable[..., Serve]
) -> None:
    assert run("reset", "--step", "0").returncode == 0  # SCRIPT.md's pre-flight, as written
    server = serve()
    assert wait_until(lambda: state_of(workspace) == "waiting")  # serve waits, it does not exit
    assert status(server.url + "/health") is None

    assert run("next").returncode == 0
    assert wait_until(lambda: state_of(workspace) == "up")
    assert status(server.url + "/health") == 200
    first = read_server(workspace)
    assert first is not None and first.up and first.step == 1

    assert run("reset", "--step", "0").returncode == 0  # while serving
    assert wait_until(lambda: state_of(workspace) == "waiting")
    assert wait_until(lambda: status(server.url + "/health") is None)

    assert run("next").returncode == 0  # ...and back: the server comes back with the step
    assert wait_until(lambda: state_of(workspace) == "up")
    assert status(server.url + "/health") == 200
    again = read_server(workspace)
    assert again is not None and again.up and again.generation == first.generation + 1
    assert run("goto", "3").returncode == 0
    assert wait_until(lambda: (read_server(workspace) or first).step == 3)
    assert wait_until(lambda: status(server.url + "/health") == 200)

    out = server.finish()
    assert "Waiting to serve" in out and "serving step 1" in out
    assert "Stopped." in out
    assert read_server(workspace) is None
    assert not tap_dir_for(workspace).exists()  # the tap folder goes with the server


def test_a_typo_fails_the_demo_within_2_s_and_the_pane_shows_one_line_first(
    course_root: Path, workspace: Path, serve: Callable[..., Serve]
) -> None:
    goto(load_course(course_root), workspace, 2)
    server = serve()
    assert wait_until(lambda: state_of(workspace) == "up")
    main = workspace / "app" / "main.py"
    main.write_text(main.read_text().replace("ITEMS: dict", "ITEMS = undefined_name\nI: dict"))
    assert wait_until(lambda: state_of(workspace) == "broken")  # the record knows it

    started = time.monotonic()
    demo = run("demo")
    seconds = time.monotonic() - started

    line = main.read_text().splitlines().index("ITEMS = undefined_name") + 1
    assert demo.returncode == 2
    assert f"NameError: name 'undefined_name' is not defined (app/main.py:{line})" in demo.stderr
    # Without the check each request waits for its 30 s timeout; the CLI's own start-up is in.
    assert seconds < 5, seconds
    out = server.finish()
    summary = "✗ the workspace app fails to import: NameError: name 'undefined_name'"
    lines = out.splitlines()
    first = next(i for i, text in enumerate(lines) if "undefined_name' is not defined" in text)
    assert lines[first].startswith(("✗ NameError", summary)), lines
    assert lines[first + 1] == "Traceback (most recent call last):"
    assert "framework frames" in out
    assert "multiprocessing/process.py" not in out and "importlib/__init__.py" not in out


def test_rescue_restarts_the_server_serve_runs_with_a_new_database(
    workspace: Path, serve: Callable[..., Serve]
) -> None:
    course = load_course(steps_root())
    migrated = next(
        step.number for step in course.steps if "alembic.ini" in course.written(step.number)
    )
    goto(course, workspace, migrated)
    server = serve()
    assert wait_until(lambda: state_of(workspace) == "up", timeout=60)
    before = read_server(workspace)
    assert before is not None
    main = workspace / "app" / "main.py"
    main.write_text(main.read_text() + "\nbroken = undefined_name\n")
    assert wait_until(lambda: state_of(workspace) == "broken")

    started = time.monotonic()
    rescued = run("rescue")
    seconds = time.monotonic() - started

    assert rescued.returncode == 0, rescued.stdout + rescued.stderr
    out = rescued.stdout
    assert f"Step {migrated}: back to its checkpoint" in out
    assert "Saved your edits first (app/main.py): vibecode restore " in out
    assert "Database: the old data is kept in .vibecode/saved-db/" in out
    assert f"Server restarted and ready at {server.url}." in out
    after = read_server(workspace)
    assert after is not None and after.up and after.generation == before.generation + 1
    assert after.pid != before.pid
    assert status(server.url + "/health") == 200
    assert main.read_bytes() == course.checkpoint(migrated)["app/main.py"]
    assert list((workspace / ".vibecode" / "saved-db").iterdir())
    assert seconds < 10, seconds  # the bar is 5 s on SQLite (see the report's figure)
    assert "restarted: asked by vibecode rescue" in server.finish()


def test_a_changed_env_file_reaches_the_served_app(
    workspace: Path, serve: Callable[..., Serve]
) -> None:
    course = load_course(steps_root())
    goto(course, workspace, 2)  # step 2 teaches settings from .env
    server = serve()
    assert wait_until(lambda: state_of(workspace) == "up", timeout=60)

    def title() -> str | None:
        try:
            with urllib.request.urlopen(server.url + "/openapi.json", timeout=2) as answer:
                return str(json.load(answer)["info"]["title"])
        except OSError:
            return None

    assert title() != "Renamed on stage"
    (workspace / ".env").write_text("APP_NAME=Renamed on stage\n")
    assert wait_until(lambda: title() == "Renamed on stage")
    assert "restarted: .env changed" in server.finish()


def test_doctor_calls_the_workspaces_own_server_ours(
    course_root: Path, workspace: Path, serve: Callable[..., Serve]
) -> None:
    goto(load_course(course_root), workspace, 2)
    server = serve()
    assert wait_until(lambda: state_of(workspace) == "up")

    doctor = run("doctor", "--port", str(server.port))

    line = next(line for line in doctor.stdout.splitlines() if "Port" in line)
    assert "this workspace's own server" in line and "✓" in line, doctor.stdout
    server.finish()


@pytest.fixture
def pg_url(tmp_path: Path) -> Iterator[str]:
    """An empty PostgreSQL database of this test's own, dropped afterwards."""
    from vibecode.serve import postgres
    from vibecode.serve.environment import POSTGRES_URL

    digest = hashlib.sha256(str(tmp_path).encode()).hexdigest()[:10]
    name = os.environ.get("VIBECODE_TEST_PG_DATABASE") or f"vibecode_rescue_{digest}"
    url = postgres.recreate_database(POSTGRES_URL, name)
    yield url
    postgres.drop_database(POSTGRES_URL, name)


def test_rescue_on_postgres_keeps_the_data_in_a_schema(
    workspace: Path, serve: Callable[..., Serve], pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    course = load_course(steps_root())
    migrated = next(n.number for n in course.steps if "alembic.ini" in course.written(n.number))
    goto(course, workspace, migrated)
    monkeypatch.setenv("DATABASE_URL", pg_url)  # serve and rescue both pick it
    server = serve("--db", "postgres")
    assert wait_until(lambda: state_of(workspace) == "up", timeout=60)

    rescued = run("rescue")

    assert rescued.returncode == 0, rescued.stdout + rescued.stderr
    assert "Database: the old data is kept in schema vibecode_saved_" in rescued.stdout
    assert f"Server restarted and ready at {server.url}." in rescued.stdout
    assert status(server.url + "/health") == 200
    server.finish()
