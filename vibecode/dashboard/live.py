"""Aggregation of tap events: a bounded ring filled by the reader, one summary per frame.

The reader appends raw events (cheap); a timer takes them all a few times a second and folds
them into per-second buckets. Widgets then get one update per frame, never one per request.
When more events arrive between two frames than the ring holds, the oldest are dropped and
counted: the dashboard falls behind in detail, never in time.
"""

from __future__ import annotations

import math
import threading
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from vibecode.tap.events import LagEvent, RequestEvent, TapEvent

WINDOW_SECONDS = 60
"""How much history the sparklines show."""
SAMPLES_PER_SECOND = 2_000
"""Latencies kept per second for percentiles; beyond this, requests are counted, not sampled."""


RequestRow = RequestEvent
"""One request, as the live table shows it: the tap's event itself."""


class EventBuffer:
    """A bounded ring of raw events with counts of what was received and what was dropped.

    Thread-safe: the tap's subscription fills it from its thread, the frame timer empties it.
    """

    def __init__(self, capacity: int = 20_000) -> None:
        self.capacity = capacity
        self._events: deque[TapEvent] = deque(maxlen=capacity)
        self._lock = threading.Lock()
        self.received = 0
        self.dropped = 0

    def extend(self, events: list[TapEvent]) -> None:
        """Append events; when full, the oldest go (and are counted as dropped)."""
        with self._lock:
            overflow = len(self._events) + len(events) - self.capacity
            if overflow > 0:
                self.dropped += overflow
            self.received += len(events)
            self._events.extend(events)

    def take(self) -> list[TapEvent]:
        """Everything buffered, oldest first; the ring is empty afterwards."""
        with self._lock:
            events = list(self._events)
            self._events.clear()
        return events

    def __len__(self) -> int:
        return len(self._events)


@dataclass
class _Second:
    count: int = 0
    latencies: list[float] = field(default_factory=list)
    p50: float | None = None
    p99: float | None = None
    dirty: bool = False

    def summarize(self) -> None:
        if self.dirty:
            self.p50, self.p99 = percentiles(self.latencies)
            self.dirty = False


@dataclass(frozen=True)
class Frame:
    """What the widgets show after one frame."""

    rows: tuple[RequestRow, ...]
    """The newest requests first, at most `max_rows`."""
    rows_changed: bool
    rps: tuple[float, ...]
    p50: tuple[float, ...]
    p99: tuple[float, ...]
    """One value per second over the last minute (complete seconds), oldest first."""
    rps_now: float
    p50_now: float | None
    p99_now: float | None
    statuses: dict[str, int]
    """Requests per status class (`2xx`...) since the dashboard started."""
    lag_ms: float | None
    lag_peak_ms: float | None
    """The worst loop lag over the last few seconds."""
    received: int
    dropped: int
    total: int


def percentiles(values: list[float]) -> tuple[float | None, float | None]:
    """p50 and p99 (nearest rank) of `values`, or None for an empty list."""
    if not values:
        return None, None
    ordered = sorted(values)
    count = len(ordered)
    return ordered[max(0, math.ceil(0.50 * count) - 1)], ordered[
        max(0, math.ceil(0.99 * count) - 1)
    ]


def status_class(status: int) -> str:
    """`2xx`, `4xx`... for a status code."""
    return f"{status // 100}xx" if 100 <= status <= 599 else "other"


class LiveStats:
    """Folds events into per-second buckets, status counts, loop lag and the newest rows."""

    def __init__(self, *, max_rows: int = 100, lag_window: float = 5.0) -> None:
        self.max_rows = max_rows
        self.lag_window = lag_window
        self._seconds: dict[int, _Second] = {}
        self._rows: deque[RequestRow] = deque(maxlen=max_rows)
        self._rows_changed = False
        self._statuses: Counter[str] = Counter({"2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0})
        self._lag: deque[tuple[float, float]] = deque(maxlen=1_000)
        self.total = 0

    def add(self, events: Iterable[TapEvent]) -> None:
        """Fold a batch of events in (the tap's parser already dropped malformed ones)."""
        for event in events:
            if isinstance(event, LagEvent):
                self._lag.append((event.t, event.ms))
            else:
                self._request(event)

    def _request(self, row: RequestEvent) -> None:
        second = self._seconds.get(int(row.t))
        if second is None:
            second = self._seconds[int(row.t)] = _Second()
        second.count += 1
        if len(second.latencies) < SAMPLES_PER_SECOND:
            second.latencies.append(row.ms)
            second.dirty = True
        self._statuses[status_class(row.status)] += 1
        self._rows.append(row)
        self._rows_changed = True
        self.total += 1

    def frame(self, now: float, *, received: int = 0, dropped: int = 0) -> Frame:
        """The summary at wall time `now`; forgets what fell out of the window."""
        current = int(now)
        first = current - WINDOW_SECONDS
        for key in [k for k in self._seconds if k < first or k > current + 5]:
            del self._seconds[key]
        rps: list[float] = []
        p50: list[float] = []
        p99: list[float] = []
        for key in range(first, current):
            second = self._seconds.get(key)
            if second is None:
                rps.append(0.0)
                p50.append(0.0)
                p99.append(0.0)
                continue
            second.summarize()
            rps.append(float(second.count))
            p50.append(second.p50 or 0.0)
            p99.append(second.p99 or 0.0)
        last = self._seconds.get(current - 1)
        lags = [ms for t, ms in self._lag if t >= now - self.lag_window]
        frame = Frame(
            rows=tuple(reversed(self._rows)),
            rows_changed=self._rows_changed,
            rps=tuple(rps),
            p50=tuple(p50),
            p99=tuple(p99),
            rps_now=rps[-1],
            p50_now=last.p50 if last else None,
            p99_now=last.p99 if last else None,
            statuses=dict(self._statuses),
            lag_ms=self._lag[-1][1] if self._lag else None,
            lag_peak_ms=max(lags) if lags else None,
            received=received,
            dropped=dropped,
            total=self.total,
        )
        self._rows_changed = False
        return frame
