"""Registration, authentication and lookups of users."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.security import PasswordHasher
from app.models.user import User
from app.schemas.user import UserCreate

logger = logging.getLogger("app.users")


class EmailAlreadyRegisteredError(Exception):
    """The email belongs to an existing user."""


def normalize_email(email: str) -> str:
    """Compare and store emails lower-cased, so Ann@x.io and ann@x.io are one account."""
    return email.strip().lower()


class UserService:
    """User operations on one session; the service commits, so data is saved before replying."""

    def __init__(self, session: AsyncSession, hasher: PasswordHasher) -> None:
        self.session = session
        self.hasher = hasher

    async def get_by_email(self, email: str) -> User | None:
        """Return the user with this email, if any."""
        result = await self.session.execute(
            select(User).where(User.email == normalize_email(email))
        )
        return result.scalar_one_or_none()

    @asynccontextmanager
    async def _without_connection(self) -> AsyncIterator[None]:
        """End the read transaction for a slow hash, so the connection goes back to the pool.

        Otherwise every login waiting for a hashing thread holds a pooled connection, and a burst
        of logins starves every other request, even /health. Loaded objects stay usable: the
        session does not expire them on commit.
        """
        await self.session.commit()
        yield

    async def register(self, data: UserCreate) -> User:
        """Create a user; raise `EmailAlreadyRegisteredError` if the email is taken."""
        email = normalize_email(data.email)
        # The pre-check gives the common case a clear answer without paying for a hash...
        if await self.get_by_email(email) is not None:
            raise EmailAlreadyRegisteredError(email)
        async with self._without_connection():
            hashed_password = await self.hasher.hash(data.password)
        user = User(email=email, hashed_password=hashed_password)
        self.session.add(user)
        try:
            await self.session.commit()
        except IntegrityError as exc:
            # ...but only the unique index is safe when two registrations race.
            await self.session.rollback()
            raise EmailAlreadyRegisteredError(email) from exc
        logger.info(
            "user.registered", extra={"user_id": user.id, "user_public_id": str(user.public_id)}
        )
        return user
