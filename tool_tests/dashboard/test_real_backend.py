"""The real backend against the real course: steps engine, server, tap and demo, for real."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from vibecode.course.manifest import load_course
from vibecode.dashboard.backend import DemoLine
from vibecode.dashboard.real_backend import RealBackend
from vibecode.paths import steps_root
from vibecode.serve.record import read_server

pytestmark = pytest.mark.e2e


@pytest.fixture
def backend(tmp_path: Path) -> RealBackend:
    from vibecode.serve.preflight import free_port

    course = load_course(steps_root())
    real = RealBackend(course, tmp_path / "ws", port=free_port("127.0.0.1"))
    yield real  # type: ignore[misc]
    real.close()


def test_moving_steps_saves_edits_like_the_cli(backend: RealBackend) -> None:
    assert backend.current_step() == 0
    assert backend.goto(1).step == 1
    main = backend.workspace / "app" / "main.py"
    main.write_text(main.read_text() + "\n# my live edit\n")
    result = backend.goto(2)
    assert result.step == backend.current_step() == 2
    assert "app/main.py" in result.saved
    assert result.saved_set is not None
    folder = backend.workspace / ".vibecode" / "saved" / result.saved_set
    assert "# my live edit" in (folder / "files" / "app" / "main.py").read_text()
    assert "+++ b/app/core/config.py" in backend.step_diff(2)
    assert backend.step_diff(0) == ""


def test_server_demo_and_tap(backend: RealBackend) -> None:
    backend.goto(2)
    assert not backend.server_status().up
    status = backend.start_server()
    assert status.up, status.error
    assert read_server(backend.workspace) is not None  # `vibecode demo` finds it
    tap = backend.tap()
    assert tap is not None
    seen: list[DemoLine] = []
    lines = backend.run_demo(2, on_result=seen.append)
    assert [line.path for line in lines] == ["/health", "/openapi.json"]
    assert all(line.ok and line.status == 200 for line in lines) and seen == lines
    events: list[dict[str, object]] = []
    deadline = time.monotonic() + 5
    while (
        time.monotonic() < deadline and len([e for e in events if e.get("type") == "request"]) < 2
    ):
        events += tap.drain(100)
        time.sleep(0.05)
    paths = [e["path"] for e in events if e.get("type") == "request"]
    assert "/openapi.json" in paths
    stopped = backend.stop_server()
    assert not stopped.up
    assert read_server(backend.workspace) is None


def test_a_broken_app_reports_its_import_error(backend: RealBackend) -> None:
    backend.goto(1)
    main = backend.workspace / "app" / "main.py"
    main.write_text("from app.nowhere import thing\n" + main.read_text())
    status = backend.start_server()
    assert not status.up
    assert status.error is not None
    assert "No module named 'app.nowhere'" in status.error
    assert backend.server_status().error == status.error
