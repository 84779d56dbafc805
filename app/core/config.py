"""Settings read from the environment and from `.env` (pydantic-settings)."""

import os
from functools import lru_cache
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# The value shipped in `.env.example`: fine on a laptop, refused in production (see below).
DEFAULT_SECRET_KEY = "your-super-secret-key-change-in-production-please"


class Settings(BaseSettings):
    """Every knob of the app; each field is read from the variable of the same name in capitals."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    app_name: str = "FastAPI SQLAlchemy Async Vibecoding"
    version: str = "1.0.0"
    debug: bool = False
    log_level: Annotated[
        Literal["DEBUG", "INFO", "WARNING", "ERROR"], BeforeValidator(lambda v: str(v).upper())
    ] = "INFO"

    database_url: str = "sqlite+aiosqlite:///./vibecoding_async.db"
    # Connection pool, per worker process (an in-memory SQLite database has none). Its size is also
    # how many requests use the database at once (session slots, see database.py). No overflow:
    # overflow connections are closed as soon as they are returned, so under sustained load they
    # are opened and closed per request, which costs far more CPU than waiting for a pooled one.
    db_pool_size: int = Field(default=20, ge=1)
    db_max_overflow: int = Field(default=0, ge=0)
    db_pool_timeout: float = Field(default=30.0, gt=0)
    db_pool_recycle: int = Field(default=1800, ge=-1)
    # Test each connection before use. Off by default: on asyncpg it costs three extra round
    # trips per request (BEGIN, ping, ROLLBACK), and a connection dropped by a restart is
    # detected and replaced anyway. Turn it on behind proxies that silently drop idle links.
    db_pool_pre_ping: bool = False
    # How long a SQLite writer waits for the write lock before "database is locked".
    sqlite_busy_timeout_ms: int = Field(default=5000, ge=0)

    secret_key: SecretStr = SecretStr(DEFAULT_SECRET_KEY)
    algorithm: Literal["HS256", "HS384", "HS512"] = "HS256"
    access_token_expire_minutes: int = Field(default=30, ge=1)

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

    # Mount /demo/* (deliberately slow endpoints for the "why async" part of the talk).
    demo_endpoints: bool = False

    def check_production_safety(self) -> None:
        """Raise if the app would run in production with the well-known example secret."""
        if not self.debug and self.secret_key.get_secret_value() == DEFAULT_SECRET_KEY:
            raise RuntimeError(
                "SECRET_KEY is the example value from .env.example; anyone could forge tokens. "
                "Set SECRET_KEY to a long random string "
                '(python -c "import secrets; print(secrets.token_urlsafe(32))") '
                "or set DEBUG=true for local development."
            )


@lru_cache
def get_settings() -> Settings:
    """Return the settings of this process, read once."""
    return Settings()
