"""The few PostgreSQL administration calls the tool itself makes (asyncpg, no workspace code)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from vibecode.errors import VibecodeError

T = TypeVar("T")
DATABASE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def plain_url(database_url: str) -> str:
    """The URL asyncpg accepts: `postgresql://...` without SQLAlchemy's `+asyncpg` driver part."""
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql://", database_url)


def with_database(database_url: str, name: str) -> str:
    """The same server and user, another database."""
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def server_version(database_url: str) -> str:
    """`SHOW server_version`, proving the server accepts this user and database."""

    async def query(connection: Any) -> str:
        return str(await connection.fetchval("SHOW server_version"))

    return _run(database_url, query)


def recreate_database(database_url: str, name: str) -> str:
    """Drop and create the database `name` on the server of `database_url`; its URL."""
    if not DATABASE_NAME.match(name):
        raise VibecodeError(f"{name!r} is not a safe database name")

    async def recreate(connection: Any) -> None:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')

    _run(database_url, recreate)
    return with_database(database_url, name)


def drop_database(database_url: str, name: str) -> None:
    """Drop the database `name` if it exists."""
    if not DATABASE_NAME.match(name):
        raise VibecodeError(f"{name!r} is not a safe database name")

    async def drop(connection: Any) -> None:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    _run(database_url, drop)


def _run(database_url: str, work: Callable[[Any], Awaitable[T]]) -> T:
    # asyncpg ships no type information; the calls above are few and simple.
    import asyncpg  # type: ignore[import-untyped]

    async def main() -> T:
        connection = await asyncpg.connect(plain_url(database_url), timeout=5)
        try:
            return await work(connection)
        finally:
            await connection.close()

    try:
        return asyncio.run(main())
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        raise VibecodeError(
            f"PostgreSQL: {exc}", hint="check the user, password and database in DATABASE_URL"
        ) from None
