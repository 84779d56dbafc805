"""What a load run produces: counts, the latency histogram, the generator's own health, and the
live progress snapshots it reports on the way (with the stop signal that ends it early)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from vibecode.bench.config import LoadConfig

ErrorKind = Literal["connect", "timeout", "reset", "other"]
ERROR_KINDS: tuple[ErrorKind, ...] = ("connect", "timeout", "reset", "other")


@dataclass(frozen=True)
class Progress:
    """A live snapshot of a run, sent about four times a second."""

    elapsed_s: float
    completed: int
    errors: int
    in_flight: int
    rps: float
    """Completed requests per second over the last second."""
    warming_up: bool = False
    draining: bool = False
    """The run is over; the requests still in flight are finishing, uncounted."""


ProgressCallback = Callable[[Progress], None]


class StopSignal(Protocol):
    """Anything with `is_set()`: a `threading.Event` or a `multiprocessing.Event`."""

    def is_set(self) -> bool: ...


@dataclass(frozen=True)
class LagSummary:
    """The served app's event-loop lag over a run, from the request tap."""

    samples: int
    p50_ms: float
    p99_ms: float
    max_ms: float


@dataclass
class LoadResult:
    """Everything one run measured; every measured request is completed, failed or in flight."""

    config: LoadConfig
    histogram: Any
    """An `hdrh.histogram.HdrHistogram` of response latencies in microseconds."""
    duration_s: float
    sent: int
    """Requests counted: alive during the window (sent in it, or carried over from the
    warm-up); each one is answered, failed or unfinished."""
    carried: int = 0
    """Of those, sent during the warm-up and still waiting when the window opened."""
    answered_in_window: int = 0
    """Answers that arrived inside the window (whenever sent): the throughput's count."""
    status: dict[int, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    error_samples: dict[str, str] = field(default_factory=dict)
    """The first message seen for each error kind, to show the user what went wrong."""
    in_flight: int = 0
    """Requests still waiting at the deadline (waited for afterwards, and in the latencies)."""
    oldest_in_flight_ms: float | None = None
    """How long the oldest of those had been waiting at the deadline."""
    unfinished: int = 0
    """Requests never finished: only when Ctrl-C cut the run short."""
    warmup_requests: int = 0
    """Requests that came and went during the warm-up; the only ones not in the figures."""
    stopped_early: bool = False
    cpu_fraction: float | None = None
    """The busiest generator process's CPU use, as a fraction of one core."""
    client_bound: bool = False
    loop_lag: LagSummary | None = None

    @property
    def completed(self) -> int:
        """Requests sent in the window that got a response, whatever its status."""
        return sum(self.status.values())

    @property
    def failed(self) -> int:
        """Requests that got no response."""
        return sum(self.errors.values())
