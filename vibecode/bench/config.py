"""What a load run does: target, body template, concurrency, how long, how fast."""

from __future__ import annotations

import json as jsonlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from vibecode.errors import VibecodeError

SEQ = "${seq}"
"""The per-request counter placeholder, filled in the URL and the body of every request."""

METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
CLIENTS = ("fast", "aiohttp")


@dataclass(frozen=True)
class LoadConfig:
    """One load run; validated on creation so bad options fail before any request is sent."""

    url: str
    method: str = "GET"
    headers: Mapping[str, str] = field(default_factory=dict)
    body: str | None = None
    """A raw body template; `${seq}` is replaced per request."""
    json: Any = None
    """A JSON body template; `${seq}` inside its strings is replaced per request."""
    concurrency: int = 10
    """Closed loop: workers, each with one request in flight. Open loop: the connection limit."""
    requests: int | None = None
    duration: float | None = None
    rate: float | None = None
    """Requests per second for an open loop; None is a closed loop."""
    warmup: float = 0.0
    """Seconds of load before measuring starts; those requests are not counted."""
    timeout: float = 10.0
    processes: int = 1
    client: str = "fast"
    """`fast` (keep-alive HTTP/1.1 on asyncio with a C parser) or `aiohttp`."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", self.method.upper())
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise VibecodeError(f"{self.url!r} is not an http:// or https:// URL")
        if self.method not in METHODS:
            raise VibecodeError(f"{self.method!r} is not an HTTP method")
        if self.body is not None and self.json is not None:
            raise VibecodeError("give either a raw body or a JSON body, not both")
        if self.concurrency < 1:
            raise VibecodeError("--concurrency must be at least 1")
        if self.requests is not None and self.duration is not None:
            raise VibecodeError("give either --requests or --duration, not both")
        if self.requests is not None and self.requests < 1:
            raise VibecodeError("--requests must be at least 1")
        if self.duration is not None and self.duration <= 0:
            raise VibecodeError("--duration must be positive")
        if self.rate is not None and self.rate <= 0:
            raise VibecodeError("--rate must be positive")
        if self.warmup < 0:
            raise VibecodeError("--warmup cannot be negative")
        if self.timeout <= 0:
            raise VibecodeError("--timeout must be positive")
        if self.client not in CLIENTS:
            raise VibecodeError(f"--client must be one of: {', '.join(CLIENTS)}")
        if self.processes < 1:
            raise VibecodeError("--processes must be at least 1")
        if self.processes > self.concurrency:
            raise VibecodeError("--processes cannot exceed --concurrency (each needs a connection)")
        if self.requests is not None and self.processes > self.requests:
            raise VibecodeError("--processes cannot exceed --requests")

    @property
    def run_seconds(self) -> float | None:
        """The measured duration, or None when the run is bounded by a request count."""
        if self.requests is None and self.duration is None:
            return 5.0
        return self.duration

    def body_template(self) -> str | None:
        """The body as text with `${seq}` in place (JSON is encoded once, not per request)."""
        if self.json is not None:
            return jsonlib.dumps(self.json, separators=(",", ":"))
        return self.body

    def share(self, index: int) -> LoadConfig:
        """The part of this load that worker process `index` (of `processes`) generates."""
        n = self.processes

        def split(total: int) -> int:
            return total // n + (1 if index < total % n else 0)

        return LoadConfig(
            url=self.url,
            method=self.method,
            headers=self.headers,
            body=self.body,
            json=self.json,
            concurrency=split(self.concurrency),
            requests=split(self.requests) if self.requests is not None else None,
            duration=self.run_seconds,
            rate=self.rate / n if self.rate is not None else None,
            warmup=self.warmup,
            timeout=self.timeout,
            processes=1,
            client=self.client,
        )
