"""The server's loop lag end to end: real uvicorn, the real tap, a blocking endpoint."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vibecode.cli.main import app
from vibecode.serve.record import ServerRecord, write_server

TAPPED_APP = """
import os
import time

from vibecode.tap.middleware import wrap_app


async def inner(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["path"] == "/block":
        time.sleep(0.05)  # holds the event loop, as a password hash in `async def` does
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


app = wrap_app(inner, os.environ["TAP_DIR"])
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def tapped_server(tmp_path: Path, workspace: Path) -> Iterator[tuple[str, Path]]:
    """uvicorn serving a tap-wrapped app, recorded in the workspace's server.json."""
    (tmp_path / "tapped_app.py").write_text(TAPPED_APP, encoding="utf-8")
    tap = Path(tempfile.mkdtemp(prefix="vbt-", dir="/tmp"))
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "tapped_app:app", "--app-dir", str(tmp_path)]
    command += ["--port", str(port), "--log-level", "warning", "--no-access-log"]
    server = subprocess.Popen(command, env={**os.environ, "TAP_DIR": str(tap)})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"{url}/ok", timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "uvicorn did not start"
                time.sleep(0.1)
        record = ServerRecord(
            url=url,
            pid=server.pid,
            host="127.0.0.1",
            port=port,
            database="sqlite",
            tap=str(tap),
            log="",
            started_at=time.time(),
            step=1,
        )
        write_server(workspace, record)
        yield url, tap
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(tap, ignore_errors=True)


@pytest.mark.e2e
def test_a_blocking_endpoint_shows_in_the_servers_loop_lag(
    tapped_server: tuple[str, Path], workspace: Path
) -> None:
    result = CliRunner().invoke(
        app, ["bench", "/block", "-d", "1", "-c", "4", "--warmup", "0.2", "--json"]
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["requests"] > 0
    lag = data["loop_lag_ms"]
    assert lag is not None, data.get("loop_lag_note")
    assert lag["samples"] >= 2
    # Four requests queue behind each other's 50 ms sleeps: the loop is held far past 50 ms.
    assert lag["max"] >= 50, lag
