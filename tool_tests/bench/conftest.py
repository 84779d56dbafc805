"""Fixtures for the benchmark's tests; the fake servers themselves live in `bench_kit`."""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from tool_tests.bench.bench_kit import FakeServer, RawServer, Seen, build_app, cli


@pytest.fixture
def server() -> Iterator[FakeServer]:
    """The fake server with known delays, started in a background thread."""
    yield from serve_fake()


@pytest.fixture
def impatient_server() -> Iterator[FakeServer]:
    """The fake server closing keep-alive connections idle for more than 0.1 s."""
    yield from serve_fake(keepalive_timeout=0.1)


@pytest.fixture(params=["fast", "aiohttp"])
def client(request: pytest.FixtureRequest) -> str:
    """Each HTTP transport of the load generator."""
    return str(request.param)


def serve_fake(**runner_options: Any) -> Iterator[FakeServer]:
    """Run the fake app in a thread until the generator is closed."""
    seen = Seen()
    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder: dict[str, Any] = {}

    async def start() -> None:
        runner = web.AppRunner(build_app(seen), access_log=None, **runner_options)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        holder["runner"] = runner
        holder["port"] = runner.addresses[0][1]

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        started.set()
        loop.run_forever()
        loop.run_until_complete(holder["runner"].cleanup())
        loop.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert started.wait(10)
    yield FakeServer(url=f"http://127.0.0.1:{holder['port']}", seen=seen)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


@pytest.fixture
def reset_server() -> Iterator[RawServer]:
    """Accepts, reads the request, answers with a TCP reset."""
    raw = RawServer("reset")
    yield raw
    raw.close()


@pytest.fixture
def hang_up_server() -> Iterator[RawServer]:
    """Answers one request per connection, promising keep-alive, then closes it."""
    raw = RawServer("once")
    yield raw
    raw.close()


@pytest.fixture
def silent_server() -> Iterator[RawServer]:
    """Accepts and never answers."""
    raw = RawServer("silent")
    yield raw
    raw.close()


@pytest.fixture
def refused_url() -> str:
    """A URL on a port where nothing listens."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return f"http://127.0.0.1:{port}/"


@pytest.fixture
def run_cli() -> Any:
    """The CLI runner helper."""
    return cli


@pytest.fixture
def spawn_cli() -> Iterator[Any]:
    """Start `python -m vibecode bench ...` in the background; killed at teardown if still alive."""
    started: list[subprocess.Popen[str]] = []

    def spawn(*args: str, cwd: Path | None = None) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, "-m", "vibecode", "bench", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=cwd,
        )
        started.append(process)
        return process

    yield spawn
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait()
