"""Password hashing off the event loop, and JWT access tokens."""

import asyncio
import secrets
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from app.core.config import Settings

T = TypeVar("T")


class HashingBusyError(Exception):
    """Every hashing thread is busy and the queue is full: try again in a moment."""


class PasswordHasher:
    """Argon2id hashing that runs in a small, bounded thread pool instead of on the event loop.

    One Argon2 call takes about 100-250 ms of CPU at the default cost; run inside `async def`, it
    would freeze every other request for that long.
    """

    def __init__(self, settings: Settings) -> None:
        self._hash = PasswordHash(
            (
                Argon2Hasher(
                    time_cost=settings.argon2_time_cost,
                    memory_cost=settings.argon2_memory_cost,
                    parallelism=settings.argon2_parallelism,
                ),
            )
        )
        self._executor = ThreadPoolExecutor(
            max_workers=settings.hash_threads, thread_name_prefix="password-hash"
        )
        # Running plus waiting hashes. Bounded, so a burst of logins gets 503 at once instead of
        # a queue (and a wait) that grows without limit; released by the thread when it is done.
        self._capacity = threading.BoundedSemaphore(
            settings.hash_threads + settings.hash_queue_size
        )
        # Verified against when the email is unknown, so that both paths cost the same time
        # and response times do not reveal which emails are registered.
        self._dummy_hash = self._hash.hash(secrets.token_urlsafe(16))

    async def _run(self, fn: Callable[..., T], *args: str) -> T:
        """Run `fn` in the hashing pool; raise `HashingBusyError` when its queue is full."""
        if not self._capacity.acquire(blocking=False):
            raise HashingBusyError
        future = self._executor.submit(fn, *args)
        future.add_done_callback(lambda _: self._capacity.release())
        return await asyncio.wrap_future(future)

    async def hash(self, password: str) -> str:
        """Hash a password in the hashing pool."""
        return await self._run(self._hash.hash, password)

    async def verify(self, password: str, hashed: str) -> tuple[bool, str | None]:
        """Check a password; also return a new hash when `hashed` used weaker parameters."""
        return await self._run(self._hash.verify_and_update, password, hashed)

    async def verify_dummy(self, password: str) -> None:
        """Spend the time of one verification, for unknown emails (timing side channel)."""
        await self.verify(password, self._dummy_hash)

    def close(self) -> None:
        """Wait for running hashes and stop the threads (lifespan shutdown)."""
        self._executor.shutdown(wait=True, cancel_futures=True)


def create_access_token(subject: uuid.UUID, settings: Settings) -> str:
    """Sign a JWT whose `sub` is the user's public id."""
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": str(subject),
        "iat": now,
        "exp": now + timedelta(minutes=settings.access_token_expire_minutes),
    }
    return jwt.encode(claims, settings.secret_key.get_secret_value(), settings.algorithm)
