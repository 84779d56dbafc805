"""The environment every subprocess running a workspace's code gets."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from vibecode.paths import state_dir

POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
DATABASES = ("sqlite", "postgres")
SQLITE_FILE = "vibecode.db"
SECRET_FILE = "secret"


def sqlite_url(workspace: Path) -> str:
    """The workspace's own SQLite database."""
    return f"sqlite+aiosqlite:///{workspace / SQLITE_FILE}"


def resolve_database_url(workspace: Path, db: str | None = None) -> str:
    """The database URL for `--db`: explicit sqlite, postgres (or its DATABASE_URL), or the env."""
    from_env = os.environ.get("DATABASE_URL")
    if db == "sqlite":
        return sqlite_url(workspace)
    if db == "postgres":
        return from_env if from_env and database_kind(from_env) == "postgres" else POSTGRES_URL
    return from_env or sqlite_url(workspace)


def database_kind(database_url: str) -> str:
    """`postgres` or `sqlite`, from the URL's scheme."""
    return "postgres" if database_url.startswith("postgres") else "sqlite"


def secret_key(workspace: Path) -> str:
    """The workspace's SECRET_KEY, generated once into `.vibecode/secret` (mode 0600)."""
    path = state_dir(workspace) / SECRET_FILE
    try:
        existing = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        existing = ""
    if existing:
        return existing
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(key + "\n")
    return key


def app_environment(
    workspace: Path, *, database_url: str | None, tests: bool = False
) -> dict[str, str]:
    """The full environment for a subprocess that runs the workspace's code: the one recipe.

    The current environment plus PYTHONPATH=<workspace> (so `app` is the workspace's package,
    never the reference copy) and PYTHONUNBUFFERED. To serve (uvicorn, alembic, the import
    check): DATABASE_URL (the workspace's SQLite file by default), SECRET_KEY,
    DEMO_ENDPOINTS=true and DEBUG=false unless the workspace's `.env` sets DEBUG. For the
    step's `tests`: the tests' own settings decide, except the database when one is given
    (DATABASE_URL and TEST_DATABASE_URL).
    """
    environment = dict(os.environ)
    environment.update(PYTHONPATH=str(workspace), PYTHONUNBUFFERED="1")
    if tests:
        if database_url:
            environment["DATABASE_URL"] = environment["TEST_DATABASE_URL"] = database_url
        return environment
    environment.update(
        DATABASE_URL=database_url or sqlite_url(workspace),
        SECRET_KEY=secret_key(workspace),
        DEMO_ENDPOINTS="true",
    )
    if "DEBUG" in dotenv_keys(workspace):
        environment.pop("DEBUG", None)  # the workspace's .env decides (step 2 teaches it)
    else:
        environment["DEBUG"] = "false"
    return environment


def dotenv_keys(workspace: Path) -> set[str]:
    """The variables the workspace's `.env` sets (upper case), empty without one."""
    from dotenv import dotenv_values

    path = workspace / ".env"
    if not path.is_file():
        return set()
    return {key.upper() for key in dotenv_values(path)}
