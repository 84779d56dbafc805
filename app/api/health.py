"""Probes: /health/live (the process answers) and /health/ready (and its database does)."""

import asyncio
import logging
from typing import Literal

from fastapi import APIRouter, Response, status
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.api.deps import SessionDep

logger = logging.getLogger("app.health")
router = APIRouter(tags=["health"])

# A database that does not answer within this is unavailable: probes time out at a few seconds.
DATABASE_CHECK_SECONDS = 1.0


class Health(BaseModel):
    """Health report."""

    status: Literal["ok", "error"]
    database: Literal["ok", "unavailable"]


class Liveness(BaseModel):
    """The process is up and its event loop answers."""

    status: Literal["ok"]


@router.api_route("/health/live", methods=["GET", "HEAD"])
async def live() -> Liveness:
    """Answer 200 while the event loop runs: restart the process when this fails."""
    return Liveness(status="ok")


@router.api_route("/health", methods=["GET", "HEAD"], responses={503: {"model": Health}})
@router.api_route("/health/ready", methods=["GET", "HEAD"], responses={503: {"model": Health}})
async def health(session: SessionDep, response: Response) -> Health:
    """Answer 200 when the database answers a trivial query in time, 503 otherwise."""
    try:
        async with asyncio.timeout(DATABASE_CHECK_SECONDS):
            await session.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError, TimeoutError):
        logger.warning("health.database_unavailable", exc_info=True)
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return Health(status="error", database="unavailable")
    return Health(status="ok", database="ok")
