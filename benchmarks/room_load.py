"""The room under a full workshop: 200 attendees, each its own process, on loopback.

A real `vibecode room` (uvicorn, SQLite by default) runs on a presenter workspace at step 3.
Each attendee process joins with the code (POST /api/join) and then, every few seconds
(jittered), sends a check report as `vibecode check` does: its step and 15 tests' names and
outcomes, on a fresh connection each time like a command. Meanwhile the real dashboard
(`make_dashboard` on the presenter's workspace, headless) draws its room panel.

The claim, checked at the end (exit 1 when it does not hold):
- room requests (joins and reports, as the attendees timed them): p99 under 100 ms;
- the dashboard's room panel: 4 frames per second or more, with the figures of the room;
- nothing lost: every report sent was accepted (202) and the room counted each one.

    .venv/bin/python benchmarks/room_load.py [--attendees 200] [--seconds 30] [--every 3]
                                             [--db postgres --database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TESTS = [f"tests/test_step.py::test_case_{index:02d}" for index in range(15)]
P99_LIMIT_MS = 100.0
MIN_FPS = 4.0


def attendee(
    number: int, url: str, code: str, seconds: float, every: float, go: Any, results: Any
) -> None:
    """One attendee: join, then report a check every `every` seconds (jittered)."""
    from vibecode.room.client import call

    rng = random.Random(number)
    latencies: list[float] = []
    sent = accepted = failed = 0
    go.wait()
    time.sleep(rng.uniform(0, every))  # the room does not join in lockstep
    begin = time.perf_counter()
    try:
        answer = call(
            url, "POST", "/api/join", body={"code": code, "name": f"attendee {number}"}, timeout=10
        )
        token = answer["token"]
    except Exception as error:
        results.put({"number": number, "join_error": str(error)})
        return
    latencies.append((time.perf_counter() - begin) * 1000)
    step = 1 + number % 5
    end = time.monotonic() + seconds
    due = time.monotonic()
    while True:
        due += every * rng.uniform(0.8, 1.2)
        if due > end:
            break
        time.sleep(max(0.0, due - time.monotonic()))
        passing = rng.random() < 0.6
        tests = [
            {"name": name, "outcome": "passed" if passing or index else "failed"}
            for index, name in enumerate(TESTS)
        ]
        body = {
            "kind": "check",
            "step": step,
            "at": time.time(),
            "checked": step,
            "ok": passing,
            "tests": tests,
        }
        sent += 1
        begin = time.perf_counter()
        try:
            call(url, "POST", "/api/report", body=body, token=token, timeout=10)
            accepted += 1
        except Exception:
            failed += 1
        latencies.append((time.perf_counter() - begin) * 1000)
    results.put(
        {
            "number": number,
            "latencies": latencies,
            "sent": sent,
            "accepted": accepted,
            "failed": failed,
        }
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_room(workspace: Path, port: int, extra: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "vibecode",
            "room",
            "-w",
            str(workspace),
            "--port",
            str(port),
            "--new",
            *extra,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def wait_ready(workspace: Path, port: int, room: subprocess.Popen[bytes]) -> Any:
    from vibecode.room.client import call
    from vibecode.room.record import read_hosted

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        record = read_hosted(workspace)
        if record is not None and record.url.endswith(f":{port}"):
            try:
                call(record.url, "GET", "/health", timeout=1)
                return record
            except Exception:
                pass
        if room.poll() is not None:
            said = room.stderr.read().decode(errors="replace") if room.stderr else ""
            raise SystemExit(f"the room did not start: {said}")
        time.sleep(0.1)
    raise SystemExit("the room did not answer within 30 s")


async def watch_dashboard(workspace: Path, seconds: float) -> tuple[int, float, dict[str, Any]]:
    """The real dashboard, headless, for `seconds`: its room panel's frames and last figures."""
    from vibecode.course.loader import load
    from vibecode.dashboard.app import make_dashboard
    from vibecode.dashboard.real_backend import RealBackend

    backend = RealBackend(load(), workspace)
    app = make_dashboard(backend)
    try:
        async with app.run_test(size=(140, 42)) as pilot:
            await pilot.pause(1.0)
            first = app.room_panel.frames
            begin = time.monotonic()
            await asyncio.sleep(seconds)
            frames = app.room_panel.frames - first
            elapsed = time.monotonic() - begin
            return frames, elapsed, dict(app.room_panel.latest or {})
    finally:
        backend.close()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attendees", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--every", type=float, default=3.0, help="seconds between reports")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--database-url", default=None)
    options = parser.parse_args()

    from vibecode.course.loader import load
    from vibecode.room.client import call
    from vibecode.workspace.apply import goto

    print(
        f"load average before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
        f"{os.getloadavg()[2]:.2f} on {os.cpu_count()} cores"
    )
    with tempfile.TemporaryDirectory(prefix="room-load-") as folder:
        workspace = Path(folder) / "presenter"
        goto(load(), workspace, 3)
        port = free_port()
        extra = ["--db", options.db] + (
            ["--database-url", options.database_url] if options.database_url else []
        )
        room = start_room(workspace, port, extra)
        try:
            record = wait_ready(workspace, port, room)
            context = multiprocessing.get_context("fork")
            go, results = context.Event(), context.Queue()
            workers = [
                context.Process(
                    target=attendee,
                    args=(n, record.url, record.code, options.seconds, options.every, go, results),
                )
                for n in range(options.attendees)
            ]
            for worker in workers:
                worker.start()
            go.set()
            frames, elapsed, shown = asyncio.run(
                watch_dashboard(workspace, options.seconds + options.every)
            )
            outcomes = [results.get(timeout=60) for _ in workers]
            for worker in workers:
                worker.join(10)
            time.sleep(0.5)
            final = call(record.url, "GET", "/api/room", token=record.token, timeout=10)
        finally:
            os.killpg(room.pid, signal.SIGINT)
            room.wait(10)
    joins_failed = [o for o in outcomes if "join_error" in o]
    latencies = [ms for o in outcomes for ms in o.get("latencies", [])]
    sent = sum(o.get("sent", 0) for o in outcomes)
    accepted = sum(o.get("accepted", 0) for o in outcomes)
    fps = frames / elapsed if elapsed else 0.0
    p50, p99 = percentile(latencies, 0.50), percentile(latencies, 0.99)
    print(
        f"{options.attendees} attendee processes, a report every ~{options.every:g} s for "
        f"{options.seconds:g} s, room on {options.db}"
    )
    print(
        f"requests: {len(latencies)} ({len(latencies) / options.seconds:.0f}/s), "
        f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {max(latencies):.1f} ms"
    )
    print(
        f"reports: {sent} sent, {accepted} accepted, room counted {final['reports']}; "
        f"attendees in the room: {final['attendees']}; joins failed: {len(joins_failed)}"
    )
    print(
        f"dashboard room panel: {frames} frames in {elapsed:.1f} s = {fps:.1f} frames/s, "
        f"showing {shown.get('attendees')} attendees"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    claims = {
        f"room request p99 under {P99_LIMIT_MS:g} ms": p99 < P99_LIMIT_MS,
        f"room panel at {MIN_FPS:g} frames/s or more, showing the room": fps >= MIN_FPS
        and shown.get("attendees") == options.attendees,
        "nothing lost: every report accepted and counted": not joins_failed
        and sent == accepted == final["reports"]
        and final["attendees"] == options.attendees,
    }
    for claim, held in claims.items():
        print(f"  {'held' if held else 'FAILED'}: {claim}")
    return 0 if all(claims.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
