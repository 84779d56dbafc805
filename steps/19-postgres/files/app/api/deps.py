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
from app.core.state import app_state
from app.core.tuning import SLOT, autocommit_reads
from app.models.user import User
from app.services.post_service import PostService
from app.services.user_service import UserService


async def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    return app_state(request.app).settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's one session, closed after the response (services commit before it).

    FastAPI resolves a dependency once per request, so every dependency that asks for a session
    gets this same one.
    """
    state = app_state(request.app)
    # A slot first: it queues requests fairly, the pool does not (see SessionSlots).
    async with (
        state.session_slots.take() as give_back,
        state.session_factory(info={SLOT: give_back}) as session,
    ):
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


async def get_read_session(session: SessionDep) -> AsyncSession:
    """The request's session, in autocommit when nothing ran on it yet, for one SELECT."""
    return await autocommit_reads(session)


ReadSessionDep = Annotated[AsyncSession, Depends(get_read_session)]


async def get_hasher(request: Request) -> PasswordHasher:
    """The app's password hasher (created in the lifespan)."""
    return app_state(request.app).hasher


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
    """A PostService on the request's session in read mode, for the GET routes."""
    return PostService(session)


PostReaderDep = Annotated[PostService, Depends(get_post_reader)]


async def limit_login_attempts(request: Request) -> None:
    """429 with Retry-After once a client address has used up LOGIN_RATE_LIMIT."""
    client = request.client.host if request.client else "unknown"
    retry_after = await app_state(request.app).login_limiter.retry_after(client)
    if retry_after is not None:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            "Too many login attempts; try again later",
            headers={"Retry-After": str(retry_after)},
        )


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
