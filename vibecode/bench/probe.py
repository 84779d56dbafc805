"""A probe: a path's latency sampled at a low rate during the load (`/health` during logins)."""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

INTERVAL_S = 0.2
TIMEOUT_S = 10.0


@dataclass(frozen=True)
class ProbeResult:
    """The probe's samples: latencies of answered requests, and failures by kind."""

    path: str
    latencies_ms: tuple[float, ...]
    errors: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict[str, object]:
        """p50, p99 and max in milliseconds, the sample count and the errors."""
        ordered = sorted(self.latencies_ms)

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
        }


Fetch = Callable[[str, float], int]
"""GET a URL with a timeout and return its status; raises on failure. Replaceable in tests."""


def fetch(url: str, timeout: float) -> int:
    """One GET on a fresh connection, as a health checker does."""
    parts = urlsplit(url)
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(parts.hostname or "", parts.port, timeout=timeout)
    try:
        target = parts.path or "/"
        connection.request("GET", f"{target}?{parts.query}" if parts.query else target)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


class Probe:
    """Samples `url` every `interval` seconds in a thread between `start()` and `stop()`."""

    def __init__(
        self,
        url: str,
        *,
        interval: float = INTERVAL_S,
        timeout: float = TIMEOUT_S,
        fetcher: Fetch = fetch,
    ) -> None:
        self.url = url
        self.interval = interval
        self.timeout = timeout
        self._fetch = fetcher
        self._latencies: list[float] = []
        self._errors: dict[str, int] = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="bench-probe", daemon=True)

    def start(self) -> Probe:
        """Begin sampling."""
        self._thread.start()
        return self

    def _sample(self) -> None:
        next_due = time.perf_counter()
        while not self._done.is_set():
            started = time.perf_counter()
            try:
                self._fetch(self.url, self.timeout)
            except TimeoutError:
                self._count("timeout")
            except ConnectionRefusedError:
                self._count("connect")
            except (ConnectionResetError, http.client.RemoteDisconnected, BrokenPipeError):
                self._count("reset")
            except OSError:
                self._count("other")
            except http.client.HTTPException:
                self._count("other")
            else:
                self._latencies.append((time.perf_counter() - started) * 1000)
            # Skip the slots a slow answer overlapped rather than bursting to catch up.
            next_due += self.interval
            now = time.perf_counter()
            if next_due < now:
                next_due = now
            self._done.wait(next_due - now)

    def _count(self, kind: str) -> None:
        self._errors[kind] = self._errors.get(kind, 0) + 1

    def stop(self) -> ProbeResult:
        """Stop sampling (waiting for a sample in flight) and return the samples."""
        self._done.set()
        self._thread.join(timeout=self.timeout + 1)
        return ProbeResult(
            path=urlsplit(self.url).path or "/",
            latencies_ms=tuple(self._latencies),
            errors=dict(self._errors),
        )
