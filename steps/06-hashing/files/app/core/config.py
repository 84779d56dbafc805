"""Settings read from the environment and from `.env` (pydantic-settings)."""

import os
from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob of the app; each field is read from the variable of the same name in capitals."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    app_name: str = "FastAPI SQLAlchemy Async Vibecoding"
    version: str = "1.0.0"
    debug: bool = False

    database_url: str = "sqlite+aiosqlite:///./vibecoding_async.db"
    # How long a SQLite writer waits for the write lock before "database is locked".
    sqlite_busy_timeout_ms: int = Field(default=5000, ge=0)

    # Argon2id cost: 3 passes over 64 MiB (RFC 9106's second recommended profile, well above
    # OWASP's minimum), about 100-300 ms per call. Tests lower it through these settings.
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_cost: int = Field(default=65536, ge=8)  # KiB
    # One lane, hence one thread per hash: then HASH_THREADS is exactly the number of CPU cores
    # hashing may take, and the event loop keeps the rest.
    argon2_parallelism: int = Field(default=1, ge=1)
    # Threads that hash and verify passwords. Each holds `argon2_memory_cost` KiB while it
    # works, so this is also a memory bound. Default: every core but one, left to the loop.
    hash_threads: int = Field(default_factory=lambda: max(1, (os.cpu_count() or 2) - 1), ge=1)
    # Hashes that may wait for a thread; past that, requests that hash get 503 at once.
    hash_queue_size: int = Field(default=32, ge=0)


@lru_cache
def get_settings() -> Settings:
    """Return the settings of this process, read once."""
    return Settings()
