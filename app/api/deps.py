"""Dependencies, named as types: `session: SessionDep`, `user: CurrentUser`.

They are all `async def`, even those that never await: FastAPI runs a plain `def` dependency
in its thread pool, a thread hop per request for a function that only reads an attribute.
"""

from collections.abc import AsyncIterator
from typing import Annotated

import jwt
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.security import PasswordHasher, decode_access_token
from app.models.user import User
from app.services.post_service import PostService
from app.services.user_service import UserService


async def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request, closed after the response (services commit before it)."""
    state = request.app.state
    # A slot first: it queues requests fairly, the pool does not (see SessionSlots).
    async with state.session_slots.take(), state.session_factory() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


async def get_read_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A read-only session (autocommit: no BEGIN/ROLLBACK), for GET routes with one SELECT."""
    state = request.app.state
    async with state.session_slots.take(), state.session_factory(bind=state.read_engine) as session:
        yield session


ReadSessionDep = Annotated[AsyncSession, Depends(get_read_session)]


async def get_hasher(request: Request) -> PasswordHasher:
    """The app's password hasher (created in the lifespan)."""
    hasher: PasswordHasher = request.app.state.hasher
    return hasher


HasherDep = Annotated[PasswordHasher, Depends(get_hasher)]


async def get_user_service(session: SessionDep, hasher: HasherDep) -> UserService:
    """A UserService bound to this request's session."""
    return UserService(session, hasher)


UserServiceDep = Annotated[UserService, Depends(get_user_service)]


async def get_post_service(session: SessionDep) -> PostService:
    """A PostService bound to this request's session."""
    return PostService(session)


PostServiceDep = Annotated[PostService, Depends(get_post_service)]


async def get_post_reader(session: ReadSessionDep) -> PostService:
    """A PostService on a read-only session, for the GET routes (the hot read path)."""
    return PostService(session)


PostReaderDep = Annotated[PostService, Depends(get_post_reader)]

# tokenUrl makes the "Authorize" button of /docs log in through POST /users/login.
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/users/login")


async def get_current_user(
    token: Annotated[str, Depends(oauth2_scheme)], settings: SettingsDep, users: UserServiceDep
) -> User:
    """The user the bearer token belongs to; 401 for any bad, expired or stale token."""
    unauthorized = HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="Could not validate credentials",
        headers={"WWW-Authenticate": "Bearer"},
    )
    try:
        public_id = decode_access_token(token, settings)
    except jwt.InvalidTokenError:
        raise unauthorized from None
    user = await users.get_by_public_id(public_id)
    if user is None:  # deleted since the token was issued
        raise unauthorized
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
