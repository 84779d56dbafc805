"""Dashboard under load: 5,000 tap events/s through the real channel into the real app, headless.

A separate process plays the served app's tap middleware: every 50 ms it sends the pending
events as datagrams (at most 400 events each, non-blocking, dropped when the reader's buffer
is full) to every reader registered in a tap folder. The dashboard (`make_dashboard`, live
timers on) reads them with `vibecode.tap.channel.TapReader` and draws for ~10 s.

Prints frames per second (completed refresh-timer ticks and Textual screen updates), the time a
frame takes, and events sent / dropped by the sender / received / dropped by the dashboard.

    .venv/bin/python benchmarks/dashboard_throughput.py [--rate 5000] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import socket
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

FLUSH_INTERVAL = 0.05
EVENTS_PER_DATAGRAM = 400
PATHS = ["/health", "/posts", "/posts/42", "/users/login", "/users/register", "/posts/999"]


def send_events(tap_dir: str, rate: int, seconds: float, results: Any, go: Any) -> None:
    """The emulated middleware: batches flushed every 50 ms to every registered reader."""
    from vibecode.tap.channel import reader_sockets
    from vibecode.tap.events import LagEvent, RequestEvent, TapEvent, encode_batch

    sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sender.setblocking(False)
    sent = dropped = 0
    go.set()
    start = time.monotonic()
    tick = 0
    seq = 0
    while True:
        tick += 1
        due = start + tick * FLUSH_INTERVAL
        if due - start > seconds:
            break
        time.sleep(max(0.0, due - time.monotonic()))
        count = int(rate * tick * FLUSH_INTERVAL) - sent - dropped
        now = time.time()
        events: list[TapEvent] = []
        for _ in range(count):
            seq += 1
            events.append(
                RequestEvent(
                    t=now,
                    method="GET",
                    path=PATHS[seq % len(PATHS)],
                    status=404 if seq % len(PATHS) == 5 else 200,
                    ms=1.0 + (seq % 97) / 10,
                    bytes=42,
                    client="127.0.0.1",
                    pid=4242,
                )
            )
        if tick % 20 == 0:
            events.append(LagEvent(t=now, ms=0.8, pid=4242))
        for reader in reader_sockets(Path(tap_dir)):
            chunks = [events[i : i + EVENTS_PER_DATAGRAM] for i in range(0, len(events), 400)]
            for index, chunk in enumerate(chunks):
                try:
                    sender.sendto(encode_batch(chunk), reader)
                except OSError:  # full buffer or gone reader: the middleware drops
                    dropped += sum(1 for e in events if isinstance(e, RequestEvent)) - sum(
                        len(c) for c in chunks[:index]
                    )
                    break
                sent += sum(1 for e in chunk if isinstance(e, RequestEvent))
    results.put({"sent": sent, "dropped": dropped, "seconds": time.monotonic() - start})


async def run_dashboard(tap_dir: Path, seconds: float, rate: int) -> dict[str, Any]:
    from vibecode.dashboard.app import make_dashboard
    from vibecode.dashboard.backend import FakeBackend
    from vibecode.tap.channel import TapReader
    from vibecode.tap.subscription import TapSource

    reader = TapReader(tap_dir, name="dashboard")

    class BenchBackend(FakeBackend):
        def tap(self) -> TapSource | None:
            return reader

    app = make_dashboard(BenchBackend(), live=True)
    screen_updates = 0
    display = app._display

    def counting_display(screen: Any, renderable: Any) -> None:
        nonlocal screen_updates
        if renderable is not None:
            screen_updates += 1
        display(screen, renderable)

    app._display = counting_display  # type: ignore[method-assign]
    frame_times: list[float] = []
    refresh = app.refresh_frame

    def timed_refresh() -> Any:
        began = time.perf_counter()
        frame = refresh()
        frame_times.append(time.perf_counter() - began)
        return frame

    app.refresh_frame = timed_refresh  # type: ignore[method-assign]
    context = multiprocessing.get_context("spawn")
    results: Any = context.Queue()
    go = context.Event()
    loop = asyncio.get_running_loop()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.5)  # mounted, tap registered
        sender = context.Process(
            target=send_events, args=(str(tap_dir), rate, seconds, results, go)
        )
        sender.start()
        await loop.run_in_executor(None, go.wait)
        frames_before, updates_before = app.frames_drawn, screen_updates
        began = time.monotonic()
        await loop.run_in_executor(None, sender.join)
        elapsed = time.monotonic() - began
        frames = app.frames_drawn - frames_before
        updates = screen_updates - updates_before
        await pilot.pause(0.5)  # the last datagrams
        received, ring_dropped, total = app.buffer.received, app.buffer.dropped, app.stats.total
    reader.close()
    sender_counts = results.get(timeout=5)
    return {
        "elapsed": elapsed,
        "frames": frames,
        "updates": updates,
        "frame_ms": [t * 1000 for t in frame_times],
        "received": received,
        "ring_dropped": ring_dropped,
        "aggregated": total,
        **sender_counts,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=5_000, help="events per second")
    parser.add_argument("--seconds", type=float, default=10.0)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vct-", dir="/tmp") as folder:
        figures = asyncio.run(run_dashboard(Path(folder), options.seconds, options.rate))
    elapsed = figures["elapsed"]
    sending = figures["seconds"]
    frame_ms = sorted(figures["frame_ms"])
    offered = figures["sent"] + figures["dropped"]
    print(
        f"offered      {offered:,} request events in {sending:.1f} s ({offered / sending:,.0f}/s)"
    )
    print(f"fps (timer)  {figures['frames'] / elapsed:.1f} frames/s completed (target >= 4)")
    print(f"fps (screen) {figures['updates'] / elapsed:.1f} Textual screen updates/s")
    if frame_ms:
        p99 = frame_ms[min(len(frame_ms) - 1, int(len(frame_ms) * 0.99))]
        print(
            f"frame work   median {statistics.median(frame_ms):.1f} ms, p99 {p99:.1f} ms, "
            f"max {frame_ms[-1]:.1f} ms (drain + aggregate + widget updates)"
        )
    print(f"sent         {figures['sent']:,} (reader socket accepted them)")
    print(
        f"dropped      {figures['dropped']:,} by the sender (reader buffer full), "
        f"{figures['ring_dropped']:,} by the dashboard's ring buffer"
    )
    print(
        f"received     {figures['received']:,} events by the dashboard, lag reports included "
        f"({figures['aggregated']:,} requests aggregated)"
    )


if __name__ == "__main__":
    main()
