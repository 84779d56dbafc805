"""What startup leaves behind: its long-lived objects out of the garbage collector's passes."""

import gc

from fastapi import FastAPI
from httpx import AsyncClient

from app.core.state import app_state


class _RequestObject:
    """Stands for anything a request creates after startup."""


async def test_startup_objects_are_frozen_out_of_full_collections(
    app: FastAPI, client: AsyncClient
) -> None:
    # gc.get_objects() lists what the collector scans; frozen objects are not in it.
    engine = app_state(app).engine.sync_engine
    assert gc.is_tracked(engine)
    assert not any(found is engine for found in gc.get_objects())
    # The collector still runs, and still scans what is created after startup.
    assert gc.isenabled()
    later = _RequestObject()
    assert any(found is later for found in gc.get_objects())
    assert (await client.get("/health")).status_code == 200
