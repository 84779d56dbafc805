"""Dependencies, named as types: `session: SessionDep`.

They are all `async def`, even those that never await: FastAPI runs a plain `def` dependency
in its thread pool, a thread hop per request for a function that only reads an attribute.
"""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.security import PasswordHasher
from app.core.state import app_state
from app.services.user_service import UserService


async def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    return app_state(request.app).settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request, closed after the response (services commit before it)."""
    async with app_state(request.app).session_factory() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


async def get_hasher(request: Request) -> PasswordHasher:
    """The app's password hasher (created in the lifespan)."""
    return app_state(request.app).hasher


HasherDep = Annotated[PasswordHasher, Depends(get_hasher)]


async def get_user_service(session: SessionDep, hasher: HasherDep) -> UserService:
    """A UserService bound to this request's session."""
    return UserService(session, hasher)


UserServiceDep = Annotated[UserService, Depends(get_user_service)]
