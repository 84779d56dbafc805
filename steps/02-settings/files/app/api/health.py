"""Probes: /health/live (is the process up?) and /health/ready (can it serve requests?)."""

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """Health report."""

    status: Literal["ok", "error"]


class Liveness(BaseModel):
    """The process is up and its event loop answers."""

    status: Literal["ok"]


@router.get("/health/live")
@router.head("/health/live", include_in_schema=False)
async def live() -> Liveness:
    """Answer 200 while the event loop runs: restart the process when this fails."""
    return Liveness(status="ok")


@router.get("/health")
@router.get("/health/ready")
@router.head("/health", include_in_schema=False)
@router.head("/health/ready", include_in_schema=False)
async def health() -> Health:
    """Answer 200 while the app is up."""
    return Health(status="ok")
