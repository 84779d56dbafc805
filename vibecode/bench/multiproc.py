"""`--processes N`: the same load spread over N generator processes, merged into one result."""

from __future__ import annotations

import multiprocessing
import queue
import signal
import threading
import time
from typing import Any

from vibecode.bench import stats
from vibecode.bench.config import LoadConfig
from vibecode.bench.loadgen import WindowCallback, run_load
from vibecode.bench.result import LoadResult, Progress, ProgressCallback, StopSignal
from vibecode.bench.selfwatch import is_client_bound
from vibecode.errors import VibecodeError

START_TIMEOUT_S = 30.0
POLL_S = 0.05


def run_processes(
    config: LoadConfig,
    *,
    on_progress: ProgressCallback | None = None,
    stop: StopSignal | None = None,
    on_window: WindowCallback | None = None,
) -> LoadResult:
    """Run `config` in `config.processes` spawned processes; merge their histograms and counts."""
    context = multiprocessing.get_context("spawn")
    messages: Any = context.Queue()
    go = context.Event()
    halt = context.Event()
    workers = [
        context.Process(
            target=_child,
            args=(index, config.share(index), messages, go, halt),
            name=f"vibecode-bench-{index}",
            daemon=True,
        )
        for index in range(config.processes)
    ]
    interrupted = False

    def on_sigint(signum: int, frame: object) -> None:
        nonlocal interrupted
        interrupted = True
        halt.set()

    # Only the main thread may handle signals; elsewhere (the dashboard) `stop` is the way.
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, on_sigint) if in_main else None
    try:
        for worker in workers:
            worker.start()
        _wait_ready(messages, len(workers))
        go.set()
        if on_window is not None:
            # Each child opens its window as it wakes: within milliseconds of this one.
            on_window(time.perf_counter() + config.warmup, config.run_seconds)
        results: dict[int, dict[str, Any]] = {}
        latest: dict[int, Progress] = {}
        last_report = 0.0
        while len(results) < len(workers):
            if stop is not None and stop.is_set():
                halt.set()
            try:
                kind, index, payload = messages.get(timeout=POLL_S)
            except queue.Empty:
                if any(not w.is_alive() and w.exitcode not in (0, None) for w in workers):
                    raise VibecodeError(
                        "a load generator process died; see the messages above"
                    ) from None
                continue
            if kind == "progress":
                latest[index] = payload
                now = time.monotonic()
                if on_progress is not None and now - last_report >= 0.2:
                    last_report = now
                    on_progress(_sum_progress(list(latest.values())))
            elif kind == "result":
                results[index] = payload
            elif kind == "error":
                raise VibecodeError(f"a load generator process failed: {payload}")
        return _merge(config, [results[i] for i in sorted(results)], interrupted=interrupted)
    finally:
        halt.set()
        for worker in workers:
            worker.join(timeout=5)
            if worker.is_alive():
                worker.kill()
                worker.join()
        if in_main:
            signal.signal(signal.SIGINT, previous)


def _wait_ready(messages: Any, count: int) -> None:
    ready = 0
    deadline = time.monotonic() + START_TIMEOUT_S
    while ready < count:
        try:
            kind, _, payload = messages.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            raise VibecodeError("the load generator processes did not start in time") from None
        if kind == "error":
            raise VibecodeError(f"a load generator process failed: {payload}")
        ready += kind == "ready"


def _child(index: int, config: LoadConfig, messages: Any, go: Any, halt: Any) -> None:
    """One generator process: wait for the common start, run, send back a portable result."""
    # Ctrl-C reaches the whole process group: the parent decides when to stop, through `halt`.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        messages.put(("ready", index, None))
        go.wait()
        result = run_load(
            config, on_progress=lambda p: messages.put(("progress", index, p)), stop=halt
        )
        messages.put(("result", index, _portable(result)))
    except BaseException as exc:  # report anything, the parent turns it into one line
        messages.put(("error", index, f"{type(exc).__name__}: {exc}"))


def _portable(result: LoadResult) -> dict[str, Any]:
    return {
        "histogram": stats.encode(result.histogram),
        "duration_s": result.duration_s,
        "sent": result.sent,
        "answered_in_window": result.answered_in_window,
        "carried": result.carried,
        "unfinished": result.unfinished,
        "status": result.status,
        "errors": result.errors,
        "error_samples": result.error_samples,
        "in_flight": result.in_flight,
        "oldest_in_flight_ms": result.oldest_in_flight_ms,
        "warmup_requests": result.warmup_requests,
        "stopped_early": result.stopped_early,
        "cpu_fraction": result.cpu_fraction,
    }


def _sum_progress(parts: list[Progress]) -> Progress:
    return Progress(
        elapsed_s=max(p.elapsed_s for p in parts),
        completed=sum(p.completed for p in parts),
        errors=sum(p.errors for p in parts),
        in_flight=sum(p.in_flight for p in parts),
        rps=sum(p.rps for p in parts),
        warming_up=any(p.warming_up for p in parts),
        draining=all(p.draining for p in parts),
    )


def _merge(config: LoadConfig, parts: list[dict[str, Any]], *, interrupted: bool) -> LoadResult:
    histogram = stats.new_histogram()
    status: dict[int, int] = {}
    errors: dict[str, int] = {}
    samples: dict[str, str] = {}
    for part in parts:
        stats.merge(histogram, part["histogram"])
        for code, count in part["status"].items():
            status[code] = status.get(code, 0) + count
        for kind, count in part["errors"].items():
            errors[kind] = errors.get(kind, 0) + count
        for kind, message in part["error_samples"].items():
            samples.setdefault(kind, message)
    fractions = [p["cpu_fraction"] for p in parts if p["cpu_fraction"] is not None]
    ages = [p["oldest_in_flight_ms"] for p in parts if p["oldest_in_flight_ms"] is not None]
    busiest = max(fractions) if fractions else None
    return LoadResult(
        config=config,
        histogram=histogram,
        duration_s=max(p["duration_s"] for p in parts),
        sent=sum(p["sent"] for p in parts),
        answered_in_window=sum(p["answered_in_window"] for p in parts),
        carried=sum(p["carried"] for p in parts),
        unfinished=sum(p["unfinished"] for p in parts),
        status=status,
        errors=errors,
        error_samples=samples,
        in_flight=sum(p["in_flight"] for p in parts),
        oldest_in_flight_ms=max(ages) if ages else None,
        warmup_requests=sum(p["warmup_requests"] for p in parts),
        stopped_early=interrupted or any(p["stopped_early"] for p in parts),
        cpu_fraction=busiest,
        client_bound=is_client_bound(busiest),
    )
