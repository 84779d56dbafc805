"""Password hashing off the event loop."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from app.core.config import Settings


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

    async def hash(self, password: str) -> str:
        """Hash a password in the hashing pool."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._hash.hash, password)

    async def verify(self, password: str, hashed: str) -> bool:
        """Check a password against its hash in the hashing pool."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._hash.verify, password, hashed)

    def close(self) -> None:
        """Wait for running hashes and stop the threads (lifespan shutdown)."""
        self._executor.shutdown(wait=True, cancel_futures=True)
