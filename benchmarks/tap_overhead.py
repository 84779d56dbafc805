"""What the request tap costs: req/s of a trivial endpoint with and without it, on real uvicorn.

    .venv/bin/python benchmarks/tap_overhead.py [--runs 3] [--seconds 5] [--connections 50]

Two servers of the same workspace (one worker each, uvloop + httptools, no access log): one
plain, one wrapped by the tap. wrk (-t1) loads them back to back, alternating, and the medians of
the runs are compared. The tap is measured twice: nobody listening (events are dropped at each
flush) and a reader draining every event (what the dashboard does). Target: at most 5 % slower.

On a shared, busy machine req/s swings by tens of percent between runs, so the script also
measures the tap's own CPU cost in-process (a raw ASGI app called directly, with and without the
middleware, and the encoding of one event), which is deterministic enough to compare with the
server's CPU time per request.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vibecode.serve.server import ServerProcess
from vibecode.tap.channel import TapReader
from vibecode.tap.events import RequestEvent, TapEvent
from vibecode.tap.subscription import Subscription

TRIVIAL_APP = """
from fastapi import FastAPI

app = FastAPI()


@app.get("/ping")
async def ping() -> dict[str, bool]:
    return {"ok": True}
"""
REQUESTS_PER_SECOND = re.compile(r"Requests/sec:\s+([\d.]+)")
REQUESTS_DONE = re.compile(r"(\d+) requests in")


@dataclass(frozen=True)
class Run:
    """One wrk run: throughput, and the server process's CPU time per request."""

    rps: float
    cpu_us_per_request: float


def measure(server: ServerProcess, *, seconds: float, connections: int) -> Run:
    """Load `server`'s /ping with wrk; its req/s and the CPU the server spent per request."""
    import psutil

    process = psutil.Process(server.pid)
    before = process.cpu_times()
    output = wrk(server.url + "/ping", seconds=seconds, connections=connections)
    after = process.cpu_times()
    rps = _number(REQUESTS_PER_SECOND, output)
    requests = _number(REQUESTS_DONE, output)
    cpu = (after.user - before.user) + (after.system - before.system)
    return Run(rps=rps, cpu_us_per_request=cpu / requests * 1e6)


def _number(pattern: re.Pattern[str], output: str) -> float:
    match = pattern.search(output)
    if match is None:
        raise SystemExit(f"could not read wrk's output:\n{output}")
    return float(match.group(1))


def wrk(url: str, *, seconds: float, connections: int) -> str:
    """wrk's report of a run against `url`."""
    done = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", url],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


class Drain:
    """A tap reader emptied continuously in a thread, counting the events it receives."""

    def __init__(self, tap_dir: Path) -> None:
        self.requests = 0
        self.subscription = Subscription(
            TapReader(tap_dir, name="bench-drain"), self.count, limit=100_000, close_source=True
        )

    def count(self, events: list[TapEvent]) -> None:
        self.requests += sum(1 for event in events if isinstance(event, RequestEvent))

    def __enter__(self) -> Drain:
        self.subscription.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.subscription.stop()


async def _raw_app(scope: object, receive: object, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b'{"ok":true}'})


async def _call_many(app: Any, count: int) -> float:
    """CPU microseconds per call of `app` on one request scope."""

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: object) -> None:
        return None

    scope = {"type": "http", "method": "GET", "path": "/ping", "client": ("127.0.0.1", 1)}
    started = time.process_time()
    for _ in range(count):
        await app(scope, receive, send)
    return (time.process_time() - started) / count * 1e6


async def tap_cost_in_process(rounds: int = 7, count: int = 50_000) -> tuple[float, float]:
    """(microseconds the middleware adds per request, microseconds to encode one event)."""
    from vibecode.tap.middleware import TapMiddleware

    tapped = TapMiddleware(_raw_app, tap_dir="/nonexistent", max_pending=rounds * count)
    bare: list[float] = []
    wrapped: list[float] = []
    for _ in range(rounds):
        bare.append(await _call_many(_raw_app, count))
        wrapped.append(await _call_many(tapped, count))
    items = list(tapped.pending)
    started = time.process_time()
    for item in items:
        tapped._encode(item)
    encode = (time.process_time() - started) / len(items) * 1e6
    await tapped.aclose()
    return statistics.median(wrapped) - statistics.median(bare), encode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=50)
    arguments = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")

    with tempfile.TemporaryDirectory(prefix="vibecode-tap-bench-") as folder:
        workspace = Path(folder) / "ws"
        (workspace / "app").mkdir(parents=True)
        (workspace / "app" / "__init__.py").write_text("")
        (workspace / "app" / "main.py").write_text(TRIVIAL_APP.lstrip())
        common: dict[str, Any] = {"port": 0, "reload": False, "access_log": False, "migrate": False}
        plain = ServerProcess(workspace, tap=False, log_path=Path(folder) / "plain.log", **common)
        tapped = ServerProcess(workspace, tap=True, log_path=Path(folder) / "tap.log", **common)
        figures: dict[str, list[Run]] = {"no tap": [], "tap, no reader": [], "tap + reader": []}
        delivered: list[tuple[int, float]] = []
        with plain, tapped:
            assert tapped.tap_dir is not None
            for url in (plain.url, tapped.url):  # warm both up
                wrk(url + "/ping", seconds=1, connections=arguments.connections)
            options = {"seconds": arguments.seconds, "connections": arguments.connections}
            for run in range(1, arguments.runs + 1):
                figures["no tap"].append(measure(plain, **options))
                figures["tap, no reader"].append(measure(tapped, **options))
                with Drain(tapped.tap_dir) as drain:
                    figures["tap + reader"].append(measure(tapped, **options))
                delivered.append((drain.requests, figures["tap + reader"][-1].rps))
                print(
                    f"run {run}: "
                    + ", ".join(f"{name} {runs[-1].rps:,.0f}" for name, runs in figures.items()),
                    flush=True,
                )

    base_rps = statistics.median(run.rps for run in figures["no tap"])
    base_cpu = statistics.median(run.cpu_us_per_request for run in figures["no tap"])
    print(
        f"\nwrk -t1 -c{arguments.connections} -d{arguments.seconds:g}s, GET /ping, "
        f"medians of {arguments.runs} runs (on a shared machine both figures swing between runs; "
        "the in-process measurement below is the precise one):"
    )
    for name, runs in figures.items():
        rps = statistics.median(run.rps for run in runs)
        cpu = statistics.median(run.cpu_us_per_request for run in runs)
        print(
            f"  {name:<15} {rps:>9,.0f} req/s (ratio {rps / base_rps:.3f})   "
            f"server CPU {cpu:6.1f} us/request (cost {(cpu / base_cpu - 1) * 100:+.1f} %)"
        )
    received, rate = delivered[-1]
    print(
        f"  the reader received {received:,} request events in the last run "
        f"(wrk: about {rate * arguments.seconds:,.0f} requests)"
    )
    added, encode = asyncio.run(tap_cost_in_process())
    total = added + encode
    print(
        f"\nThe tap's own CPU, in-process (medians of 7 x 50,000 calls): {added:.2f} us added per "
        f"request, {encode:.2f} us to encode its event for a reader; {total:.2f} us in all, "
        f"{total / base_cpu * 100:.1f} % of the {base_cpu:.0f} us the server spends per request."
    )


if __name__ == "__main__":
    main()
