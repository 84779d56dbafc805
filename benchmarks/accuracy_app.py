"""A benchmark-only FastAPI app for `bench_accuracy.py`: trivial, awaiting, blocking."""

from __future__ import annotations

import asyncio
import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/trivial")
async def trivial() -> dict[str, bool]:
    """As little work as FastAPI allows: measures the framework and the client."""
    return {"ok": True}


@app.get("/await")
async def awaiting() -> dict[str, bool]:
    """50 ms of waiting that gives the event loop back."""
    await asyncio.sleep(0.05)
    return {"ok": True}


@app.get("/block")
async def blocking() -> dict[str, bool]:
    """50 ms of work that holds the event loop: requests are served one at a time."""
    time.sleep(0.05)  # noqa: ASYNC251 - blocking the loop is what this endpoint demonstrates
    return {"ok": True}
