"""The load generator, in one process: a closed loop of workers or an open-loop schedule.

The closed loop chains requests on each connection: a worker sends one, and the transport sends
the next from the callback that counts the answer (as wrk does), so a request costs no coroutine
switch. Per-request work is kept minimal (pre-built request bytes, a list append for the latency,
one dict update for the status); latencies go into the HDR histogram in batches, between
requests, about four times a second. `--processes N` is `multiproc.run_processes`, which runs
this in N processes.
"""

from __future__ import annotations

import asyncio
import bisect
import signal
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from vibecode.bench import stats
from vibecode.bench.config import LoadConfig
from vibecode.bench.result import (
    LATENCY_BOUNDS_MS,
    LoadResult,
    Progress,
    ProgressCallback,
    StopSignal,
)
from vibecode.bench.selfwatch import CpuClock, CpuWatch, busy_seconds, is_client_bound
from vibecode.bench.transport import COUNTED, Transport, classify

TICK_S = 0.05
"""How often the run checks its deadline and the stop signal."""
PROGRESS_EVERY_S = 0.25
NEVER = 2**62
_BOUNDS_US = [int(ms * 1000) for ms in LATENCY_BOUNDS_MS]

WindowCallback = Callable[[float, float | None], None]
"""Told when the measured window opens: its start (a `time.perf_counter()` value) and its
length in seconds (None when the run is bounded by a request count). The probe listens."""


def run_load(
    config: LoadConfig,
    *,
    on_progress: ProgressCallback | None = None,
    stop: StopSignal | None = None,
    cpu_clock: CpuClock = busy_seconds,
    on_window: WindowCallback | None = None,
) -> LoadResult:
    """Run the load `config` describes in this process; Ctrl-C or `stop` ends it early."""
    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        return runner.run(
            _Run(
                config, on_progress=on_progress, stop=stop, cpu_clock=cpu_clock, on_window=on_window
            ).main()
        )


def make_transport(config: LoadConfig) -> Transport:
    """The transport `config.client` names: the keep-alive client on httptools, or aiohttp."""
    if config.client == "fast":
        from vibecode.bench.fastclient import FastTransport

        return FastTransport(config)
    from vibecode.bench.aiohttpclient import AiohttpTransport

    return AiohttpTransport(config)


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    # uvloop cuts the client's CPU per request by about a quarter (measured: 87 vs 116 us on
    # a trivial endpoint); it ships with uvicorn[standard].
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvicorn[standard] brings uvloop except on Windows
        return None
    return uvloop.new_event_loop


class _Run:
    """The state of one run inside its event loop.

    The window runs from the end of the warm-up to the deadline (or, with a request count, to
    the last answer). Throughput counts the answers that arrive inside it. Latency counts every
    request alive during it, from its start to its answer: those sent during the warm-up and
    still waiting when the window opens, and those still waiting at the deadline (waited for,
    up to the timeout). A slow answer is never left out of the percentiles; only requests that
    came and went during the warm-up are.
    """

    def __init__(
        self,
        config: LoadConfig,
        *,
        on_progress: ProgressCallback | None,
        stop: StopSignal | None,
        cpu_clock: CpuClock,
        on_window: WindowCallback | None = None,
    ) -> None:
        self.config = config
        self.on_window = on_window
        self.on_progress = on_progress
        self.stop = stop
        self.cpu = CpuWatch(cpu_clock=cpu_clock)
        self.transport: Transport = make_transport(config)
        self.histogram = stats.new_histogram()
        self.latencies: list[int] = []
        self.recorded = 0
        self.status: dict[int, int] = {}
        self.errors: dict[str, int] = {}
        self.error_samples: dict[str, str] = {}
        self.sent = 0  # sent inside the window
        self.warm_sent = 0  # sent during the warm-up
        self.warm_done = 0  # of those, finished during the warm-up: the only ones not counted
        self.failed = 0
        self.done_by_end = 0  # counted requests finished by the deadline
        self.in_window = 0  # answers inside the window: the throughput
        self.seq = 0
        self.remaining = config.requests
        self.measure_ns = 0
        self.end_ns = NEVER
        self.interrupted = False
        self.tasks: set[asyncio.Task[None]] = set()
        # When each unfinished request started (0: none), to report how old the oldest one is.
        self.since: list[int] = [0] * config.concurrency
        self.due: dict[int, int] = {}
        # The live histogram's buckets, filled only for a progress callback (the dashboard's).
        self.buckets = [0] * (len(_BOUNDS_US) + 1)

    async def main(self) -> LoadResult:
        await self.transport.start()
        loop = asyncio.get_running_loop()
        sigint = threading.current_thread() is threading.main_thread()
        if sigint:
            loop.add_signal_handler(signal.SIGINT, self._interrupt)
        try:
            return await self._drive()
        finally:
            if sigint:
                loop.remove_signal_handler(signal.SIGINT)
            await self.transport.close()

    def _interrupt(self) -> None:
        self.interrupted = True

    def _stopping(self) -> bool:
        return self.interrupted or (self.stop is not None and self.stop.is_set())

    async def _drive(self) -> LoadResult:
        config = self.config
        clock = time.perf_counter_ns
        start = clock()
        self.measure_ns = start + int(config.warmup * 1e9)
        run_seconds = config.run_seconds
        if run_seconds is not None:
            self.end_ns = self.measure_ns + int(run_seconds * 1e9)
        if self.on_window is not None:
            self.on_window(self.measure_ns / 1e9, run_seconds)
        self.cpu.start()
        if config.rate is None:
            drivers = [asyncio.create_task(self._worker(i)) for i in range(config.concurrency)]
        else:
            drivers = [asyncio.create_task(self._scheduler(start, config.rate))]
        window: deque[tuple[int, int]] = deque(maxlen=1 + int(1 / TICK_S))
        next_progress = start
        stopped_early = False
        while True:
            now = clock()
            if now >= self.end_ns:
                end = self.end_ns
                break
            if all(d.done() for d in drivers) and not self.tasks:
                end = now
                break
            if self._stopping():
                end, stopped_early = now, True
                break
            window.append((now, self.in_window))
            if now >= next_progress:
                next_progress = now + int(PROGRESS_EVERY_S * 1e9)
                self._flush()
                self._report(now, window)
            await asyncio.sleep(min(TICK_S, max(0.0, (self.end_ns - now) / 1e9)))
        cpu_fraction = self.cpu.stop()
        in_window = self.in_window
        in_flight = self.alive - self.done_by_end
        starts = [t for t in self.since if t] + list(self.due.values())
        oldest = (end - min(starts)) / 1e6 if starts else None
        if not stopped_early:
            stopped_early = not await self._drain(drivers)
        for task in [*drivers, *self.tasks]:
            task.cancel()
        await asyncio.gather(*drivers, *self.tasks, return_exceptions=True)
        self._flush()
        for driver in drivers:
            failure = None if driver.cancelled() else driver.exception()
            if failure is not None:
                raise failure
        return LoadResult(
            config=config,
            histogram=self.histogram,
            duration_s=max(0.0, (end - self.measure_ns) / 1e9),
            sent=self.alive,
            carried=self.warm_sent - self.warm_done,
            answered_in_window=in_window,
            status=dict(self.status),
            errors=dict(self.errors),
            error_samples=dict(self.error_samples),
            in_flight=in_flight,
            unfinished=self.alive - self.recorded - self.failed,
            warmup_requests=self.warm_done,
            stopped_early=stopped_early,
            cpu_fraction=cpu_fraction,
            client_bound=is_client_bound(cpu_fraction),
            oldest_in_flight_ms=oldest,
        )

    async def _drain(self, drivers: list[asyncio.Task[None]]) -> bool:
        """Wait for the requests still in flight (up to the timeout); False if Ctrl-C cut it."""
        clock = time.perf_counter_ns
        # A little past the timeout: every request has timed out by then, if not answered.
        deadline = clock() + int((self.config.timeout + 0.5) * 1e9)
        next_progress = 0
        while any(not d.done() for d in drivers) or self.tasks:
            now = clock()
            if self._stopping():
                return False
            if now >= deadline:
                return True
            if self.on_progress is not None and now >= next_progress:
                next_progress = now + int(PROGRESS_EVERY_S * 1e9)
                self.on_progress(
                    Progress(
                        elapsed_s=(now - self.measure_ns) / 1e9,
                        completed=self.completed,
                        errors=self.failed,
                        in_flight=self.alive - self.completed - self.failed,
                        rps=0.0,
                        draining=True,
                    )
                )
            await asyncio.sleep(TICK_S)
        return True

    @property
    def completed(self) -> int:
        return self.recorded + len(self.latencies)

    @property
    def alive(self) -> int:
        """Requests counted: sent in the window, or sent before and still waiting when it began."""
        return self.sent + self.warm_sent - self.warm_done

    def _flush(self) -> None:
        # In place: the workers hold a reference to this list.
        batch = self.latencies[:]
        self.latencies.clear()
        stats.record_all(self.histogram, batch)
        self.recorded += len(batch)
        if self.on_progress is not None:
            buckets, where = self.buckets, bisect.bisect_left
            for value in batch:
                buckets[where(_BOUNDS_US, value)] += 1

    def _report(self, now: int, window: deque[tuple[int, int]]) -> None:
        if self.on_progress is None:
            return
        t0, answered = window[0]
        rps = (self.in_window - answered) / ((now - t0) / 1e9) if now > t0 else 0.0
        counted = self.histogram.get_total_count() > 0
        waiting = [t for t in self.since if t] + list(self.due.values())
        self.on_progress(
            Progress(
                elapsed_s=max(0.0, (now - self.measure_ns) / 1e9),
                completed=self.completed,
                errors=self.failed,
                in_flight=self.alive - self.completed - self.failed,
                rps=rps,
                warming_up=now < self.measure_ns,
                p50_ms=self.histogram.get_value_at_percentile(50.0) / 1000 if counted else None,
                p99_ms=self.histogram.get_value_at_percentile(99.0) / 1000 if counted else None,
                oldest_wait_ms=(now - min(waiting)) / 1e6 if waiting else None,
                status=dict(self.status),
                latency_counts=tuple(self.buckets),
            )
        )

    def _fail(self, exc: BaseException) -> None:
        kind = classify(exc)
        self.failed += 1
        self.errors[kind] = self.errors.get(kind, 0) + 1
        if kind not in self.error_samples:
            self.error_samples[kind] = str(exc) or type(exc).__name__

    def _claim(self, started: int) -> bool:
        """Count a request about to be sent; False when the run has sent all it should."""
        if started < self.measure_ns:
            self.warm_sent += 1
            return True
        if self.remaining is not None:
            if self.remaining <= 0:
                return False
            self.remaining -= 1
        self.sent += 1
        return True

    def _finish(self, started: int, finished: int, code: int | None, exc: Exception | None) -> None:
        """Count one finished request (answered with `code`, or failed with `exc`)."""
        if finished < self.measure_ns:
            self.warm_done += 1
            return
        if finished <= self.end_ns:
            self.done_by_end += 1
            if code is not None:
                self.in_window += 1
        if code is None:
            assert exc is not None
            self._fail(exc)
        else:
            self.latencies.append((finished - started) // 1000)
            self.status[code] = self.status.get(code, 0) + 1

    def _next(self) -> Any:
        transport = self.transport
        if transport.constant is not None:
            return transport.constant
        self.seq += 1
        return transport.prepare(self.seq)

    async def _worker(self, slot: int) -> None:
        """Closed loop: one request at a time per worker, the next sent as the last is counted."""
        clock = time.perf_counter_ns
        end_ns = self.end_ns
        chain = self.transport.chain
        since, finish, claim, next_request = self.since, self._finish, self._claim, self._next
        constant = self.transport.constant

        def follow(status: int) -> Any:
            now = clock()
            finish(since[slot], now, status, None)
            if now >= end_ns or not claim(now):
                since[slot] = 0
                return None
            since[slot] = now
            return constant if constant is not None else next_request()

        while True:
            t0 = clock()
            if t0 >= end_ns or not claim(t0):
                return
            prepared = next_request()
            since[slot] = t0
            try:
                result = await chain(prepared, follow)
            except Exception as exc:
                finish(since[slot], clock(), None, exc)
                since[slot] = 0
                continue
            if result == COUNTED:
                return
            # An answer on a connection the server closed after it: count it, reconnect.
            finish(since[slot], clock(), result, None)
            since[slot] = 0

    async def _scheduler(self, start: int, rate: float) -> None:
        """Open loop: send each request when it is due, whether or not earlier ones came back."""
        clock = time.perf_counter_ns
        interval = 1e9 / rate
        index = 0
        while True:
            due = start + int(index * interval)
            if due >= self.end_ns:
                return
            now = clock()
            if due > now:
                await asyncio.sleep((due - now) / 1e9)
                continue
            if not self._claim(due):
                return
            index += 1
            task = asyncio.create_task(self._one(due))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def _one(self, due: int) -> None:
        """One open-loop request; its latency counts from when it was due, not when it was sent."""
        transport = self.transport
        self.seq += 1
        seq = self.seq
        prepared = transport.constant if transport.constant is not None else transport.prepare(seq)
        self.due[seq] = due
        try:
            code = await transport.send(prepared)
        except Exception as exc:
            del self.due[seq]
            self._finish(due, time.perf_counter_ns(), None, exc)
            return
        del self.due[seq]
        self._finish(due, time.perf_counter_ns(), code, None)
