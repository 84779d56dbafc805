"""The tap's events: the one definition of what the middleware sends and every reader receives.

Stdlib only: the served app's process (the middleware) imports this module.
On the wire a datagram is a compact JSON array of event objects (see docs/ARCHITECTURE.md,
"The tap"); `parse_batch` turns one into typed events and skips anything malformed, so readers
never see a raw dict.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from json.encoder import encode_basestring_ascii as quote
from typing import Any


@dataclass(frozen=True, slots=True)
class RequestEvent:
    """One HTTP request the served app answered."""

    t: float
    """Wall time the request began (epoch seconds)."""
    method: str
    path: str
    status: int
    ms: float
    """Time from the request's arrival to the end of its answer."""
    bytes: int = 0
    """Body bytes of the answer."""
    client: str | None = None
    pid: int | None = None
    """The worker process that served it."""
    rid: str | None = None
    """The answer's X-Request-ID, when the app sets one (the course's app does from step 11)."""


@dataclass(frozen=True, slots=True)
class LagEvent:
    """The served event loop's worst lag over the last sampling window."""

    t: float
    ms: float
    pid: int | None = None


TapEvent = RequestEvent | LagEvent

# Formatting the JSON object directly is about 3x cheaper than a dict + json.dumps, and the
# middleware does it in the served app's process for every request (with these two names
# inline, one function call less per event than `encode_request`).
REQUEST_FORMAT = (
    '{"type":"request","t":%.6f,"method":%s,"path":%s,"status":%d,"ms":%.3f,"bytes":%d,'
    '"client":%s,"pid":%d,"rid":%s}'
)
_LAG = '{"type":"lag","t":%.6f,"ms":%.3f,"pid":%d}'


def encode_request(
    *,
    t: float,
    method: str,
    path: str,
    status: int,
    ms: float,
    size: int,
    client: str | None,
    pid: int,
    rid: str | None = None,
) -> str:
    """One request event as the JSON object a datagram carries (`REQUEST_FORMAT`)."""
    return REQUEST_FORMAT % (
        t,
        quote(method),
        quote(path),
        status,
        ms,
        size,
        quote(client) if client is not None else "null",
        pid,
        quote(rid) if rid is not None else "null",
    )


def encode_lag(*, t: float, ms: float, pid: int) -> str:
    """One lag event as the JSON object a datagram carries."""
    return _LAG % (t, ms, pid)


def encode(event: TapEvent) -> str:
    """Any event as its JSON object (fakes and tests; the middleware calls the two above)."""
    kind = "lag" if isinstance(event, LagEvent) else "request"
    fields = {name: getattr(event, name) for name in event.__slots__}
    return json.dumps({"type": kind, **fields}, separators=(",", ":"))


def datagram(events: list[str]) -> bytes:
    """Encoded events joined into one datagram."""
    return ("[" + ",".join(events) + "]").encode()


def encode_batch(events: list[TapEvent]) -> bytes:
    """Typed events as one datagram."""
    return datagram([encode(event) for event in events])


def parse_event(raw: object) -> TapEvent | None:
    """A typed event from one decoded JSON object, or None when it is not a valid event."""
    if not isinstance(raw, dict):
        return None
    try:
        kind = raw.get("type")
        pid = raw.get("pid")
        pid = pid if isinstance(pid, int) else None
        if kind == "request":
            client = raw.get("client")
            rid = raw.get("rid")
            return RequestEvent(
                t=_number(raw["t"]),
                method=_text(raw["method"]),
                path=_text(raw["path"]),
                status=int(raw["status"]),
                ms=_number(raw["ms"]),
                bytes=int(raw.get("bytes", 0)),
                client=client if isinstance(client, str) else None,
                pid=pid,
                rid=rid if isinstance(rid, str) and rid else None,
            )
        if kind == "lag":
            return LagEvent(t=_number(raw["t"]), ms=_number(raw["ms"]), pid=pid)
    except (KeyError, TypeError, ValueError):
        return None
    return None


def parse_batch(data: bytes) -> list[TapEvent]:
    """The valid events of one datagram (nothing for a datagram that is not a JSON array)."""
    try:
        batch = json.loads(data)
    except ValueError:
        return []
    if not isinstance(batch, list):
        return []
    events = []
    for raw in batch:
        event = parse_event(raw)
        if event is not None:
            events.append(event)
    return events


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"not a number: {value!r}")
    return float(value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"not a string: {value!r}")
    return value
