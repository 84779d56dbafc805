"""Settings read from the environment and from `.env` (pydantic-settings)."""

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


@lru_cache
def get_settings() -> Settings:
    """Return the settings of this process, read once."""
    return Settings()
