"""The real backend against the real course: steps engine, server, tap and demo, for real."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from vibecode.course.manifest import load_course
from vibecode.dashboard.backend import BenchProgress, DemoLine, ServerStatus
from vibecode.dashboard.real_backend import RealBackend
from vibecode.errors import VibecodeError
from vibecode.paths import steps_root
from vibecode.serve.record import read_server
from vibecode.tap.events import RequestEvent
from vibecode.workspace import apply

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("forget_tap_folder")]

VIBECODE = Path(sys.executable).with_name("vibecode")


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[RealBackend]:
    from vibecode.serve.preflight import free_port

    course = load_course(steps_root())
    real = RealBackend(course, tmp_path / "ws", port=free_port("127.0.0.1"))
    yield real
    real.close()


def wait_for_status(
    backend: RealBackend, done: Callable[[ServerStatus], bool], timeout: float = 30
) -> ServerStatus:
    deadline = time.monotonic() + timeout
    status = backend.server_status()
    while not done(status) and time.monotonic() < deadline:
        time.sleep(0.1)
        status = backend.server_status()
    assert done(status), status
    return status


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
    assert "app/core/config.py" in [change.path for change in backend.step_diff(2)]
    assert backend.step_diff(0) == []


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
    # The readiness probe's own /health may reach the tap too (it was pending when the reader
    # registered), so wait for the demo's last request rather than for a count of events.
    paths: list[object] = []
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and "/openapi.json" not in paths:
        paths += [e.path for e in tap.drain(100) if isinstance(e, RequestEvent)]
        time.sleep(0.05)
    assert "/openapi.json" in paths
    assert paths.index("/health") < paths.index("/openapi.json")

    # A saved file that no longer imports: uvicorn --reload keeps running, the app does not.
    main = backend.workspace / "app" / "main.py"
    good = main.read_text()
    main.write_text("from app.nowhere import thing\n" + good)
    broken = wait_for_status(backend, lambda s: s.error is not None)
    assert broken.running and not broken.up
    assert "No module named 'app.nowhere'" in (broken.error or "")
    main.write_text(good)
    assert wait_for_status(backend, lambda s: s.up).error is None

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


def test_it_attaches_to_the_server_vibecode_serve_runs(tmp_path: Path) -> None:
    from vibecode.serve.preflight import free_port

    course = load_course(steps_root())
    workspace = tmp_path / "ws"
    apply.goto(course, workspace, 2)
    port = free_port("127.0.0.1")
    serve = subprocess.Popen(
        [str(VIBECODE), "serve", "-w", str(workspace), "--port", str(port), "--no-reload"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    backend = RealBackend(course, workspace, port=free_port("127.0.0.1"))
    try:
        deadline = time.monotonic() + 60
        while read_server(workspace) is None and time.monotonic() < deadline:
            time.sleep(0.1)
        status = backend.start_server()  # finds the running server instead of starting one
        assert status.up and status.attached
        assert status.url == f"http://127.0.0.1:{port}"
        tap = backend.tap()
        assert tap is not None
        backend.run_demo(2, on_result=lambda line: None)
        paths: list[str] = []
        while time.monotonic() < deadline and "/openapi.json" not in paths:
            paths += [e.path for e in tap.drain(100) if isinstance(e, RequestEvent)]
            time.sleep(0.05)
        assert "/openapi.json" in paths
        with pytest.raises(VibecodeError, match="not started by the dashboard"):
            backend.stop_server()
        backend.close()
        assert serve.poll() is None  # the dashboard leaves `vibecode serve`'s server running
    finally:
        backend.close()
        serve.send_signal(signal.SIGINT)
        serve.wait(timeout=20)
    assert read_server(workspace) is None


BENCH_STEP = """\
title = "Skeleton"
goal = "GET /health answers 200"
minutes = 5
talking_points = ["a tiny course for the dashboard's benchmark test"]

[[bench]]
name = "health-vs-openapi"
title = "/health against /openapi.json"
concurrency = 4
duration = 0.5
[bench.a]
label = "health"
path = "/health"
[bench.b]
label = "openapi"
path = "/openapi.json"
"""


def test_bench_runs_the_steps_scenario_with_progress(tmp_path: Path) -> None:
    from vibecode.serve.preflight import free_port

    real = load_course(steps_root())
    step_dir = tmp_path / "steps" / "01-skeleton"
    for path, data in real.checkpoint(1).items():  # step 1's files, in the full-file layout
        (step_dir / "files" / path).parent.mkdir(parents=True, exist_ok=True)
        (step_dir / "files" / path).write_bytes(data)
    (step_dir / "step.toml").write_text(BENCH_STEP)
    course = load_course(tmp_path / "steps")
    backend = RealBackend(course, tmp_path / "ws", port=free_port("127.0.0.1"))
    try:
        backend.goto(1)
        assert backend.start_server().up
        progress: list[BenchProgress] = []
        outcome = backend.run_bench("health-vs-openapi", on_progress=progress.append)
    finally:
        backend.close()
    assert outcome.name == "health-vs-openapi"
    assert outcome.lines[0].startswith("health: ") and "req/s" in outcome.lines[0]
    assert outcome.lines[1].startswith("openapi: ")
    assert {p.side for p in progress} == {"health", "openapi"}
    fractions = [p.fraction for p in progress]
    assert fractions == sorted(fractions) and fractions[0] >= 0 and fractions[-1] <= 1
    assert any(p.side == "openapi" and p.fraction > 0.5 for p in progress)


def test_url_attaches_without_starting_anything(tmp_path: Path) -> None:
    import socket

    course = load_course(steps_root())
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        backend = RealBackend(course, tmp_path / "ws", url=url + "/")
        try:
            status = backend.start_server()
            assert status.up and status.attached and status.url == url
            assert backend._server is None  # nothing was started
            with pytest.raises(VibecodeError, match="not started by the dashboard"):
                backend.stop_server()
        finally:
            backend.close()
    assert not backend.server_status().up  # nobody listens any more


def test_paced_demo_typing_and_rescue_on_a_real_workspace(backend: RealBackend) -> None:
    backend.goto(10)
    assert backend.start_server().up
    demo = backend.paced_demo(10)
    assert demo.total == len(backend.course.step(10).demos)
    first = demo.preview(0)
    line = demo.send(0)
    assert line.ok and line.path.split("?")[0] == first.path.split("?")[0]
    assert "content-type" in line.headers and line.body is not None
    # Typing the next step through the engine, one hunk at a time, then all of it.
    saved: list[tuple[str, str]] = []
    job = backend.typist(backend.next_to_type(), on_saved=lambda p, s: saved.append((p, s)))
    job.begin()
    assert job.number == 11 and job.player is not None
    job.finish_hunk()
    job.finish_step()
    job.finish()
    assert backend.current_step() == 11 and saved == []
    # An edit, then rescue: the checkpoint back, the edit saved, the server up again.
    main = backend.workspace / "app" / "main.py"
    main.write_text(main.read_text() + "\n# a stage typo\n")
    result = backend.rescue()
    assert result.step == 11 and result.saved == ("app/main.py",)
    assert main.read_bytes() == backend.course.checkpoint(11)["app/main.py"]
    assert any("restarted and ready" in text for text in result.lines)
    assert wait_for_status(backend, lambda s: s.up).up
