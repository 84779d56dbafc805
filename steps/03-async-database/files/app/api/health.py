"""Probes: /health/live (is the process up?) and /health/ready (can it serve requests?)."""

from typing import Literal

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.core.state import app_state

router = APIRouter(tags=["health"])


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


@router.get("/health", responses={503: {"model": Health}})
@router.get("/health/ready", responses={503: {"model": Health}})
@router.head("/health", include_in_schema=False)
@router.head("/health/ready", include_in_schema=False)
async def health(request: Request, response: Response) -> Health:
    """Answer 200 when the database answers a trivial query, 503 otherwise."""
    try:
        async with app_state(request.app).engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError):
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return Health(status="error", database="unavailable")
    return Health(status="ok", database="ok")
