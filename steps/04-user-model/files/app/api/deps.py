"""Dependencies, named as types: `session: SessionDep`."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.state import app_state


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request, closed after the response (services commit before it)."""
    async with app_state(request.app).session_factory() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]
