"""Endpoints that misbehave on purpose, for the talk. Mounted only when DEMO_ENDPOINTS=true.

/demo/fail raises, to show the generic 500. The others "work" for `ms` milliseconds in
different ways; fire concurrent requests at them and compare throughput and /health's latency.
"""

import asyncio
import time
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from app.api.deps import HasherDep

router = APIRouter(prefix="/demo", tags=["demo"])


class DemoFailure(Exception):
    """Raised on purpose by /demo/fail."""


@router.get("/fail", responses={500: {"description": "Always: a generic body and request id"}})
async def fail() -> None:
    """Fail with an unexpected exception, whose message holds a secret the client never sees."""
    raise DemoFailure("demo failure: database password=hunter2 rejected")


Millis = Annotated[int, Query(ge=0, le=2000, description="How long to work, in ms.")]
DEMO_PASSWORD = "correct horse battery staple"  # a fixed, public demo input


class DemoResult(BaseModel):
    """How long the endpoint took, measured inside the server."""

    endpoint: str
    elapsed_ms: float


def _result(endpoint: str, started: float) -> DemoResult:
    elapsed_ms = round((time.perf_counter() - started) * 1000, 1)  # 0.1 ms is what it can tell
    return DemoResult(endpoint=endpoint, elapsed_ms=elapsed_ms)


@router.get("/async-sleep")
async def async_sleep(ms: Millis = 50) -> DemoResult:
    """Wait without blocking: the loop serves other requests meanwhile."""
    started = time.perf_counter()
    await asyncio.sleep(ms / 1000)
    return _result("async-sleep", started)


@router.get("/blocking-sleep")
async def blocking_sleep(ms: Millis = 50) -> DemoResult:
    """Block the event loop ON PURPOSE: the mistake this demo exists to show.

    `time.sleep` inside `async def` stops the one thread that serves every request, so the whole
    server stalls for `ms` per call: requests are served one at a time.
    """
    started = time.perf_counter()
    time.sleep(ms / 1000)  # noqa: ASYNC251 - deliberate: the demo shows what blocking costs
    return _result("blocking-sleep", started)


@router.get("/sync-sleep")
def sync_sleep(ms: Millis = 50) -> DemoResult:
    """A plain `def` endpoint: FastAPI runs it in its thread pool, so the loop stays free."""
    started = time.perf_counter()
    time.sleep(ms / 1000)
    return _result("sync-sleep", started)


@router.post("/hash-on-loop")
async def hash_on_loop(hasher: HasherDep) -> DemoResult:
    """Hash a password directly inside `async def`: the event loop freezes while Argon2 runs."""
    started = time.perf_counter()
    hasher.hash_blocking(DEMO_PASSWORD)
    return _result("hash-on-loop", started)


@router.post("/hash-off-loop")
async def hash_off_loop(hasher: HasherDep) -> DemoResult:
    """Hash the same password in the app's bounded hashing pool: the loop stays responsive."""
    started = time.perf_counter()
    await hasher.hash(DEMO_PASSWORD)
    return _result("hash-off-loop", started)
