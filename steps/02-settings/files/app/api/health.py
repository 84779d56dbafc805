"""GET /health: is the app up?"""

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """Health report."""

    status: Literal["ok", "error"]


@router.get("/health")
async def health() -> Health:
    """Answer 200 while the app is up."""
    return Health(status="ok")
