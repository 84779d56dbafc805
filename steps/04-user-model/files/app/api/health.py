"""Probes: /health/live (is the process up?) and /health/ready (can it serve requests?)."""

import asyncio
import logging
from typing import Literal

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.state import app_state

logger = logging.getLogger("app.health")
router = APIRouter(tags=["health"])

# A database that does not answer within this is unavailable: probes time out at a few seconds.
DATABASE_CHECK_SECONDS = 1.0
_abandoned: set[asyncio.Future[None]] = set()


class Health(BaseModel):
    """Health report."""

    status: Literal["ok", "error"]
    database: Literal["ok", "unavailable"]


class Liveness(BaseModel):
    """The process is up and its event loop answers."""

    status: Literal["ok"]


@router.get("/health/live")
@router.head("/health/live", include_in_schema=False)
async def live() -> Liveness:
    """Answer 200 while the event loop runs: restart the process when this fails."""
    return Liveness(status="ok")


async def _ping(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


@router.get("/health", responses={503: {"model": Health}})
@router.get("/health/ready", responses={503: {"model": Health}})
@router.head("/health", include_in_schema=False)
@router.head("/health/ready", include_in_schema=False)
async def health(request: Request, response: Response) -> Health:
    """Answer 200 when the database answers a trivial query in time, 503 otherwise."""
    check = asyncio.ensure_future(_ping(app_state(request.app).engine))
    try:
        # shield: on timeout, answer at once; the driver may take seconds to drop a hung link.
        await asyncio.wait_for(asyncio.shield(check), DATABASE_CHECK_SECONDS)
    except (SQLAlchemyError, OSError, TimeoutError):
        logger.warning("health.database_unavailable", exc_info=True)
        check.cancel()
        _abandoned.add(check)  # keep a reference until it has let go of its connection
        check.add_done_callback(_abandoned.discard)
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return Health(status="error", database="unavailable")
    return Health(status="ok", database="ok")
