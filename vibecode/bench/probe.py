"""A probe: a path's latency (`/health`) sampled on a fixed schedule while a load runs.

What the audience is told is "this is how long /health takes while the load runs", so:
- samples are due at fixed times across the load's window, and each is sent when due whether or
  not earlier ones came back (they overlap): a blocked server cannot thin out its own samples;
- a sample's latency counts from when it was due, not from when it was sent (as the open-loop
  load does), so a late sender cannot hide a stall either;
- samples are due only inside the load's window, never during the warm-up or the drain, where
  a blocked server looks idle;
- every side gets the same number of samples, enough for a median and a tail.

Each sample is a GET on a fresh connection, as a load balancer's health check does.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from vibecode.bench.humanize import ms

INTERVAL_S = 0.2
"""The longest gap between two samples: 25 samples in 5 s."""
TARGET_SAMPLES = 25
"""Shorter windows sample more often, so a 1 s rehearsal still gets this many."""
MIN_SAMPLES = 10
"""Fewer answered samples than this on a side, and no verdict compares the probe."""
TIMEOUT_S = 10.0
TICK_S = 0.05
"""How often the scheduler checks for a stop while it waits for the next due time."""

Fetch = Callable[[str], Awaitable[int]]
"""GET a URL and return its status; raises on failure. Replaceable in tests."""
Clock = Callable[[], float]


@dataclass(frozen=True)
class ProbeResult:
    """The probe's samples: latencies of answered ones (from their due time), failures by kind.

    A sample that timed out is ranked with the answered ones at the timeout (the least it
    would have taken): it is the slowest kind of answer, not a missing one.
    """

    path: str
    latencies_ms: tuple[float, ...]
    errors: dict[str, int] = field(default_factory=dict)
    timeout_s: float = TIMEOUT_S

    @property
    def ranked_ms(self) -> list[float]:
        """Every answered or timed-out sample's latency, sorted."""
        timed_out = [self.timeout_s * 1000] * self.errors.get("timeout", 0)
        return sorted([*self.latencies_ms, *timed_out])

    @property
    def enough(self) -> bool:
        """Whether there are enough samples to compare this side with another."""
        return len(self.ranked_ms) >= MIN_SAMPLES

    def summary(self) -> dict[str, object]:
        """p50, p99 and max in milliseconds, the sample count, the errors, and `enough`."""
        ordered = self.ranked_ms

        def at(fraction: float) -> float:
            if not ordered:
                return 0.0
            return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 3)

        return {
            "path": self.path,
            "samples": len(ordered),
            "p50": at(0.5),
            "p99": at(0.99),
            "max": round(ordered[-1], 3) if ordered else 0.0,
            "errors": dict(self.errors),
            "enough": len(ordered) >= MIN_SAMPLES,
            "timeout_ms": self.timeout_s * 1000,
        }


def shown(probe: dict[str, Any], key: str) -> str:
    """A probe figure for people: "≥ 10.00 s" when it is a sample that timed out."""
    value = float(probe[key])
    if probe["errors"].get("timeout") and value >= probe["timeout_ms"]:
        return f"\u2265 {ms(value)}"
    return ms(value)


def interval_for(seconds: float | None) -> float:
    """The gap between samples for a window of `seconds`: TARGET_SAMPLES of them, or every 0.2 s."""
    if seconds is None:
        return INTERVAL_S
    return min(INTERVAL_S, seconds / TARGET_SAMPLES)


async def fetch(url: str) -> int:
    """One GET on a fresh connection (closed after the answer); the answer's status."""
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    host = parts.hostname or ""
    request = (
        f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nUser-Agent: vibecode-probe\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    port = parts.port or (443 if parts.scheme == "https" else 80)
    reader, writer = await asyncio.open_connection(host, port, ssl=parts.scheme == "https")
    try:
        writer.write(request)
        status_line = await reader.readline()
        await reader.read()  # the rest, until the server closes the connection
    finally:
        writer.close()
    pieces = status_line.split(None, 2)
    if len(pieces) < 2 or not pieces[0].startswith(b"HTTP/") or not pieces[1].isdigit():
        raise ConnectionResetError("no HTTP status line in the answer")
    return int(pieces[1])


def classify(exc: BaseException) -> str:
    """A failed sample's kind: connect, timeout, reset or other."""
    if isinstance(exc, TimeoutError):
        return "timeout"
    if isinstance(exc, ConnectionRefusedError):
        return "connect"
    if isinstance(exc, ConnectionResetError | BrokenPipeError | asyncio.IncompleteReadError):
        return "reset"
    return "other"


class Probe:
    """Samples `url` in its own thread and event loop, on the schedule of the load's window.

    `start()` readies the thread; `open_window(begin, seconds)` (the load generator's window
    callback) sets the schedule: a sample due every `interval` seconds from `begin` (a `clock()`
    time) to `begin + seconds`, or until `stop()` when `seconds` is None.
    """

    def __init__(
        self,
        url: str,
        *,
        interval: float | None = None,
        timeout: float = TIMEOUT_S,
        fetcher: Fetch = fetch,
        clock: Clock = time.perf_counter,
    ) -> None:
        self.url = url
        self.interval = interval
        self.timeout = timeout
        self._fetch = fetcher
        self._clock = clock
        self._window: tuple[float, float | None] | None = None
        self._latencies: list[float] = []
        self._errors: dict[str, int] = {}
        self._opened = threading.Event()
        self._stopped_at: float | None = None
        self._thread = threading.Thread(target=self._run, name="bench-probe", daemon=True)

    def start(self) -> Probe:
        """Start the sampling thread; it waits for `open_window`."""
        self._thread.start()
        return self

    def open_window(self, begin: float, seconds: float | None) -> None:
        """Samples are due from `begin` for `seconds` (None: until `stop()`)."""
        self._window = (begin, seconds)
        self._opened.set()

    def stop(self, *, wait: bool = True) -> ProbeResult:
        """No samples due after now; with `wait`, send those already due and wait for the
        samples in flight (up to their timeout)."""
        self._stopped_at = self._clock()
        self._opened.set()
        self._thread.join(timeout=self.timeout + 1 if wait else 0.2)
        return ProbeResult(
            path=urlsplit(self.url).path or "/",
            latencies_ms=tuple(self._latencies),
            errors=dict(self._errors),
            timeout_s=self.timeout,
        )

    def _run(self) -> None:
        self._opened.wait()
        if self._window is not None:
            asyncio.run(self._schedule(*self._window))

    async def _schedule(self, begin: float, seconds: float | None) -> None:
        interval = self.interval if self.interval is not None else interval_for(seconds)
        end = begin + seconds if seconds is not None else None
        samples: set[asyncio.Task[None]] = set()
        index = 0
        while True:
            due = begin + index * interval
            if end is not None and due >= end:
                break
            if self._stopped_at is not None and due > self._stopped_at:
                break
            wait = due - self._clock()
            if wait > 0:
                await asyncio.sleep(min(wait, TICK_S))
                continue
            # Due (or overdue, when this thread was kept waiting): send it now, count from `due`.
            index += 1
            task = asyncio.create_task(self._sample(due))
            samples.add(task)
            task.add_done_callback(samples.discard)
        if samples:
            await asyncio.wait(samples)

    async def _sample(self, due: float) -> None:
        try:
            async with asyncio.timeout(self.timeout):
                await self._fetch(self.url)
        except Exception as exc:  # every failure is counted by kind; none ends the probe
            kind = classify(exc)
            self._errors[kind] = self._errors.get(kind, 0) + 1
        else:
            self._latencies.append((self._clock() - due) * 1000)
