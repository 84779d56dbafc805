"""The served app's event-loop lag during a run, read from the request tap of a vibecode server."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from vibecode.bench.result import LagSummary
from vibecode.errors import VibecodeError
from vibecode.tap.events import LagEvent, TapEvent
from vibecode.tap.subscription import Subscription, TapSource

NOT_VIBECODE = "n/a (not a vibecode server)"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "0.0.0.0", "::"})


ReaderFactory = Callable[[Path], TapSource]


def tap_for(workspace: Path | None, url: str) -> Path | None:
    """The tap folder of the workspace's recorded server when `url` points at it, else None."""
    if workspace is None:
        return None
    from vibecode.serve.record import read_server

    record = read_server(workspace)
    if record is None or not record.tap:
        return None
    return Path(record.tap) if same_server(record.url, url) else None


def same_server(a: str, b: str) -> bool:
    """Whether two URLs reach the same local server (127.0.0.1 and localhost are the same)."""
    first, second = urlsplit(a), urlsplit(b)

    def host(name: str | None) -> str:
        return "local" if (name or "") in LOCAL_HOSTS else (name or "")

    return host(first.hostname) == host(second.hostname) and first.port == second.port


def _tap_reader(tap_dir: Path) -> TapSource:
    from vibecode.tap.channel import TapReader

    return TapReader(tap_dir, name="bench")


class LagWatch:
    """Collects `lag` events in a thread while a run goes on; `stop()` summarizes them."""

    def __init__(
        self, tap_dir: Path, *, path: str = "", reader_factory: ReaderFactory = _tap_reader
    ) -> None:
        # Lag events come from every server on the tap; keep those of the processes that
        # answered our requests (matched on the path's fixed prefix).
        self._path_prefix = path.split("$", 1)[0]
        self._lags: list[tuple[int, float]] = []
        self._pids: set[int] = set()
        self._subscription = Subscription(
            reader_factory(tap_dir), self._take, name="bench-lag", limit=10_000, close_source=True
        )

    def start(self) -> LagWatch:
        """Begin collecting."""
        self._subscription.start()
        return self

    def _take(self, events: list[TapEvent]) -> None:
        for event in events:
            if isinstance(event, LagEvent):
                self._lags.append((-1 if event.pid is None else event.pid, event.ms))
            elif event.pid is not None and event.path.startswith(self._path_prefix):
                self._pids.add(event.pid)

    def stop(self) -> LagSummary | None:
        """Stop collecting; the lag summary, or None when the server sent no lag samples."""
        self._subscription.stop()
        values = [ms for pid, ms in self._lags if pid in self._pids] if self._pids else []
        return summarize_lag(values or [ms for _, ms in self._lags])


def summarize_lag(values: list[float]) -> LagSummary | None:
    """p50, p99 and max of lag samples in milliseconds."""
    if not values:
        return None
    ordered = sorted(values)

    def at(fraction: float) -> float:
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    return LagSummary(samples=len(ordered), p50_ms=at(0.5), p99_ms=at(0.99), max_ms=ordered[-1])


def watch_lag(
    workspace: Path | None, url: str, *, reader_factory: ReaderFactory = _tap_reader
) -> LagWatch | None:
    """A started lag watch when `url` is the workspace's vibecode server, else None."""
    tap_dir = tap_for(workspace, url)
    if tap_dir is None:
        return None
    return start_watch(tap_dir, url, reader_factory=reader_factory)


def start_watch(
    tap_dir: Path, url: str, *, reader_factory: ReaderFactory = _tap_reader
) -> LagWatch | None:
    """A started lag watch on `tap_dir` for the load on `url`; None when the tap cannot be read."""
    try:
        return LagWatch(tap_dir, path=urlsplit(url).path, reader_factory=reader_factory).start()
    except (OSError, VibecodeError):  # a tap problem never stops a benchmark
        return None
