"""`vibecode bench` as users run it: JSON on stdout, Ctrl-C, bad arguments, the recorded server."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tool_tests.bench.bench_kit import FakeServer
from vibecode.cli.main import app

REQUIRED_KEYS = {"requests", "duration_s", "rps", "latency_ms", "status", "errors"}


@pytest.mark.e2e
def test_json_is_exactly_one_object_on_stdout(server: FakeServer, run_cli: Any) -> None:
    done = run_cli(f"{server.url}/delay?ms=2", "-n", "30", "-c", "3", "--warmup", "0", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)  # the whole of stdout parses: nothing else was printed
    assert set(data) >= REQUIRED_KEYS
    assert {"p50", "p90", "p99", "max"} <= set(data["latency_ms"])
    assert data["requests"] == 30
    assert data["status"] == {"200": 30}
    assert data["errors"] == {}
    assert data["latency_ms"]["p50"] >= 2.0


@pytest.mark.e2e
@pytest.mark.parametrize(("as_json", "processes"), [(True, 1), (False, 1), (True, 2)])
def test_ctrl_c_prints_the_results_so_far(
    server: FakeServer, spawn_cli: Callable[..., Any], as_json: bool, processes: int
) -> None:
    args = [f"{server.url}/delay?ms=10", "-d", "60", "-c", "4", "--warmup", "0"]
    args += ["--processes", str(processes)]
    process = spawn_cli(*args, *(["--json"] if as_json else []))
    deadline = time.monotonic() + 20
    while server.seen.hits < 20 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.seen.hits >= 20, "the benchmark never started"
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=15)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    if as_json:
        data = json.loads(stdout)
        assert data["stopped_early"] is True
        assert data["requests"] > 0
        assert data["duration_s"] < 30
        assert data["sent"] == data["requests"] + data["failed"] + data["unfinished"]
    else:
        assert "req/s" in stdout
        assert "results so far" in stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ftp://example.com/"], "not an http:// or https:// URL"),
        (["http://127.0.0.1:9/", "-n", "0"], "--requests must be at least 1"),
        (["http://127.0.0.1:9/", "-n", "5", "-d", "1"], "either --requests or --duration"),
        (["http://127.0.0.1:9/", "--rate", "0"], "--rate must be positive"),
        (["http://127.0.0.1:9/", "-H", "no colon"], '"Name: value"'),
        (["http://127.0.0.1:9/", "--json-body", "{nope"], "--json-body is not valid JSON"),
        (["http://127.0.0.1:9/", "--save", "out.png"], ".svg or .html"),
        (["http://127.0.0.1:9/", "-c", "2", "--processes", "3"], "--processes cannot exceed"),
        (["http://127.0.0.1:9/", "--client", "curl"], "--client must be one of: fast, aiohttp"),
        ([], "what should I benchmark?"),
        (["/health"], "no server is running"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(
    args: list[str], message: str, workspace: Path
) -> None:
    result = CliRunner().invoke(app, ["bench", *args])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error:")
    assert message in lines[0]


def test_compare_needs_two_urls(workspace: Path) -> None:
    result = CliRunner().invoke(app, ["bench", "--compare", "http://127.0.0.1:9/"])
    assert result.exit_code == 2


@pytest.fixture
def tap_dir() -> Iterator[Path]:
    """A short tap folder under /tmp (Unix socket paths are limited to 108 bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="vbt-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def emit_tap(tap: Path, stop: threading.Event) -> None:
    """Play two servers on one tap: ours (pid 1001, answering /ok) and an unrelated one."""
    import socket

    from vibecode.tap.channel import reader_sockets
    from vibecode.tap.events import LagEvent, RequestEvent, TapEvent, encode_batch

    sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    lags = [0.5, 1.0, 1.5, 40.0]
    index = 0
    while not stop.is_set():
        now = time.time()
        batch: list[TapEvent] = [
            RequestEvent(t=now, method="GET", path="/ok", status=200, ms=1.0, pid=1001),
            LagEvent(t=now, ms=lags[index % len(lags)], pid=1001),
            RequestEvent(t=now, method="GET", path="/elsewhere", status=200, ms=1.0, pid=2002),
            LagEvent(t=now, ms=999.0, pid=2002),
        ]
        index += 1
        for path in reader_sockets(tap):
            with contextlib.suppress(OSError):
                sender.sendto(encode_batch(batch), path)
        stop.wait(0.05)
    sender.close()


def test_a_bare_path_goes_to_the_recorded_server_and_reports_its_loop_lag(
    server: FakeServer, workspace: Path, tap_dir: Path
) -> None:
    from vibecode.serve.record import ServerRecord, write_server

    port = int(server.url.rsplit(":", 1)[1])
    record = ServerRecord(
        url=f"http://localhost:{port}",
        pid=os.getpid(),
        host="127.0.0.1",
        port=port,
        database="sqlite",
        tap=str(tap_dir),
        log="",
        started_at=time.time(),
        step=1,
    )
    write_server(workspace, record)
    stop = threading.Event()
    emitter = threading.Thread(target=emit_tap, args=(tap_dir, stop), daemon=True)
    emitter.start()
    try:
        result = CliRunner().invoke(
            app, ["bench", "/ok", "-d", "0.8", "-c", "2", "--warmup", "0", "--json"]
        )
    finally:
        stop.set()
        emitter.join()
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["url"] == f"http://localhost:{port}/ok"
    assert data["requests"] > 0
    lag = data["loop_lag_ms"]
    assert lag is not None and lag["samples"] >= 4
    # Only the process that answered /ok counts; the other server's 999 ms is not ours.
    assert lag["max"] == 40.0
    assert list(tap_dir.glob("*.sock")) == []  # the reader unregistered itself


def test_without_a_vibecode_server_the_lag_is_not_available(
    server: FakeServer, workspace: Path
) -> None:
    result = CliRunner().invoke(
        app, ["bench", f"{server.url}/ok", "-n", "10", "-c", "1", "--warmup", "0", "--json"]
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["loop_lag_ms"] is None
    assert data["loop_lag_note"] == "n/a (not a vibecode server)"


def test_compare_shows_both_sides_with_ratios(server: FakeServer, workspace: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "bench",
            "--compare",
            f"{server.url}/delay?ms=5",
            f"{server.url}/delay?ms=60",
            "-d",
            "0.6",
            "-c",
            "4",
            "--warmup",
            "0",
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert "which is better" in result.stdout
    assert "A, " in result.stdout and "x more" in result.stdout
    assert "\u201cA\u201d answered" in result.stdout
    assert "more requests per second than \u201cB\u201d" in result.stdout


def test_compare_with_a_failing_side_names_the_problem_and_exits_1(
    server: FakeServer, workspace: Path
) -> None:
    result = CliRunner().invoke(
        app,
        ["bench", "--compare", f"{server.url}/ok", f"{server.url}/status/503", "-d", "0.3"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 1, result.stdout + result.stderr
    assert "\u2718 problem: B: answered" in result.stdout and "x 503" in result.stdout
