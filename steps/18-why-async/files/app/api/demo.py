"""Demo endpoints for the "why async" part of the talk. Mounted only when DEMO_ENDPOINTS=true.

Each one "works" for `ms` milliseconds in a different way; fire concurrent requests at them and
compare throughput and the latency of /health.
"""

import asyncio
import time
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from app.api.deps import HasherDep

router = APIRouter(prefix="/demo", tags=["demo"])

Millis = Annotated[int, Query(ge=0, le=2000, description="How long to work, in ms.")]
DEMO_PASSWORD = "correct horse battery staple"  # a fixed, public demo input


class DemoResult(BaseModel):
    """How long the endpoint took, measured inside the server."""

    endpoint: str
    elapsed_ms: float


def _result(endpoint: str, started: float) -> DemoResult:
    return DemoResult(endpoint=endpoint, elapsed_ms=(time.perf_counter() - started) * 1000)


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
