"""Settings read from the environment and from `.env` (pydantic-settings)."""

import os
from functools import lru_cache
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# Keys published in examples and tutorials: anyone can sign tokens with them.
PLACEHOLDER_SECRET_KEYS = frozenset(
    {"changeme", "change-me", "secret", "your-super-secret-key-change-in-production-please"}
)
MIN_SECRET_KEY_BYTES = 32  # HS256 signs with a 256-bit key: a shorter one is guessable


class Settings(BaseSettings):
    """Every knob of the app; each field is read from the variable of the same name in capitals."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    app_name: str = "FastAPI SQLAlchemy Async Vibecoding"
    version: str = "1.0.0"
    debug: bool = False
    log_level: Annotated[
        Literal["DEBUG", "INFO", "WARNING", "ERROR"], BeforeValidator(lambda v: str(v).upper())
    ] = "INFO"
    # Requests whose body is larger get 413 before anything parses them.
    max_body_bytes: int = Field(default=1024 * 1024, ge=0)
    # Host headers the app answers (others get 400); ["*"] turns the check off.
    allowed_hosts: list[str] = ["localhost", "127.0.0.1", "[::1]"]
    # Browser origins allowed to call the API (CORS); empty: no cross-origin browser calls.
    cors_origins: list[str] = []

    database_url: str = "sqlite+aiosqlite:///./vibecoding_async.db"
    # How long a SQLite writer waits for the write lock before "database is locked".
    sqlite_busy_timeout_ms: int = Field(default=5000, ge=0)

    secret_key: SecretStr = SecretStr("")
    algorithm: Literal["HS256", "HS384", "HS512"] = "HS256"
    access_token_expire_minutes: int = Field(default=30, ge=1)
    # Login attempts per client address (the `limits` library's notation); more get 429.
    login_rate_limit: str = "10/minute"

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

    # Mount /demo/* (endpoints that misbehave on purpose, for the talk).
    demo_endpoints: bool = False

    def check_secret_key(self) -> None:
        """Raise ValueError, in one line, for a key anyone could guess (outside DEBUG)."""
        key = self.secret_key.get_secret_value()
        if not key:
            problem = "is not set"
        elif not self.debug and key.lower() in PLACEHOLDER_SECRET_KEYS:
            problem = "is a published placeholder"
        elif not self.debug and len(key.encode()) < MIN_SECRET_KEY_BYTES:
            problem = f"is shorter than {MIN_SECRET_KEY_BYTES} bytes"
        else:
            return
        raise ValueError(
            f"SECRET_KEY {problem}: anyone could forge tokens. Set it to a random string "
            '(python -c "import secrets; print(secrets.token_urlsafe(32))").'
        )


@lru_cache
def get_settings() -> Settings:
    """Return the settings of this process, read once."""
    return Settings()
