"""The probe against real uvicorn: a blocked event loop gets as many /health samples as a free
one, and the verdict on them comes out the right way round."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from vibecode.bench.probe import MIN_SAMPLES, TARGET_SAMPLES
from vibecode.bench.report import render_comparison
from vibecode.bench.scenarios import run_scenario
from vibecode.bench.verdict import judge
from vibecode.course.manifest import load_course

DEMO_APP = """
import asyncio
import time
from urllib.parse import parse_qs


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    seconds = int(parse_qs(scope["query_string"].decode()).get("ms", ["0"])[0]) / 1000
    if scope["path"] == "/block":
        time.sleep(seconds)  # holds the event loop: the mistake the talk shows
    elif scope["path"] == "/await":
        await asyncio.sleep(seconds)
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})
"""

STEP_TOML = """
title = "Why async"
goal = "block the loop, then don't"
minutes = 5
talking_points = ["one"]

[[bench]]
name = "await-vs-block"
title = "await vs time.sleep"
concurrency = 20
duration = 2.0
probe = "/health"
[bench.a]
label = "await"
path = "/await?ms=50"
[bench.b]
label = "time.sleep"
path = "/block?ms=50"
[[bench.claim]]
metric = "rps"
better = "a"
by_at_least = 5
[[bench.claim]]
metric = "probe_p50"
better = "a"
by_at_least = 5
[[bench.claim]]
metric = "probe_p50"
side = "b"
above = 200
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[str]:
    """uvicorn serving an app with an awaiting and a loop-blocking endpoint."""
    (tmp_path / "demo_app.py").write_text(DEMO_APP, encoding="utf-8")
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "demo_app:app", "--app-dir", str(tmp_path)]
    command += ["--port", str(port), "--log-level", "warning", "--no-access-log"]
    server = subprocess.Popen(command, env=dict(os.environ))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"{url}/health", timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "uvicorn did not start"
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(10)


@pytest.mark.e2e
def test_a_blocked_loop_gets_enough_probe_samples_and_the_right_verdict(
    demo_server: str, tmp_path: Path, workspace: Path
) -> None:
    steps = tmp_path / "steps"
    (steps / "01-why-async").mkdir(parents=True)
    (steps / "01-why-async" / "step.toml").write_text(STEP_TOML, encoding="utf-8")

    comparison = run_scenario(
        load_course(steps), "await-vs-block", ws=workspace, base_url=demo_server
    )
    data = comparison.summary()
    awaiting, blocked = data["a"]["probe"], data["b"]["probe"]

    # Samples are due on a schedule, whatever the server does: the blocked side is not thinned
    # out to the few that fit between its stalls (it used to get 3).
    assert blocked["samples"] >= TARGET_SAMPLES - 1 >= MIN_SAMPLES, blocked
    assert awaiting["samples"] >= TARGET_SAMPLES - 1, awaiting
    assert blocked["enough"] and awaiting["enough"]
    # Twenty clients queue 50 ms each on the blocked loop: /health waits in that queue.
    assert blocked["p50"] >= 200, blocked
    assert data["ratios"]["probe_p50"]["better"] == "a"

    verdict = judge(comparison)
    assert verdict.problems == ()
    assert [outcome.held for outcome in verdict.claims] == [True, True, True], verdict.failures()

    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(render_comparison(comparison, verdict))
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "/health answered" in text and "faster during \u201cawait\u201d" in text
    assert "faster during \u201ctime.sleep\u201d" not in text
