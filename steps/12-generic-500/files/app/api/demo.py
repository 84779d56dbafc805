"""Endpoints that misbehave on purpose, for the talk. Mounted only when DEMO_ENDPOINTS=true.

/demo/fail raises, to show the generic 500 (step 18 adds the "why async" endpoints).
"""

from fastapi import APIRouter

router = APIRouter(prefix="/demo", tags=["demo"])


class DemoFailure(Exception):
    """Raised on purpose by /demo/fail."""


@router.get("/fail", responses={500: {"description": "Always: a generic body and request id"}})
async def fail() -> None:
    """Fail with an unexpected exception, whose message holds a secret the client never sees."""
    raise DemoFailure("demo failure: database password=hunter2 rejected")
