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


def set_schema_aside(database_url: str, *, stamp: str) -> str:
    """Rename the URL's current schema to `vibecode_saved_<stamp>` and create it again, empty.

    The data stays in the renamed schema (in the same database), as SQLite's file is moved
    aside rather than deleted: `DROP SCHEMA <name> CASCADE` removes it for good. One
    transaction: a failure leaves the schema as it was. Returns the saved schema's name.
    """
    saved = f"vibecode_saved_{stamp.lower()}"
    if not DATABASE_NAME.match(saved):
        raise VibecodeError(f"{saved!r} is not a safe schema name")

    async def rename(connection: Any) -> str:
        async with connection.transaction():
            current = await connection.fetchval("SELECT current_schema()")
            if current is None:  # no schema of the search path exists: nothing to keep
                await connection.execute('CREATE SCHEMA "public"')
                return ""
            name = str(current).replace('"', '""')
            target, number = saved, 1
            while await connection.fetchval(
                "SELECT 1 FROM pg_namespace WHERE nspname = $1", target
            ):
                number += 1  # a second reset within the same second
                target = f"{saved}_{number}"
            owner, acl = await connection.fetchrow(
                "SELECT pg_get_userbyid(nspowner), nspacl::text[] FROM pg_namespace "
                "WHERE nspname = $1",
                current,
            )
            await connection.execute(f'ALTER SCHEMA "{name}" RENAME TO "{target}"')
            await connection.execute(f'CREATE SCHEMA "{name}"')
            await _same_owner_and_usage(connection, name, owner, acl or [])
        return target

    return _run(database_url, rename)


async def _same_owner_and_usage(connection: Any, schema: str, owner: str, acl: list[str]) -> None:
    """Give the new schema its predecessor's owner and public USAGE, where this user may.

    PostgreSQL 15 creates `public` owned by pg_database_owner with USAGE for everyone; a schema
    made by the connecting user would be that user's alone. The owner is best effort (a
    savepoint): without the right to change it, the connecting user (the app's) owns it.
    """
    # asyncpg ships no type information (the first import in this module says so to mypy).
    import asyncpg  # type: ignore[import-untyped]

    quoted = owner.replace('"', '""')
    try:
        async with connection.transaction():  # a savepoint inside the caller's transaction
            await connection.execute(f'ALTER SCHEMA "{schema}" OWNER TO "{quoted}"')
    except asyncpg.PostgresError:
        pass  # not allowed to: the connecting user (the app's) keeps it
    if any(entry.startswith("=") and "U" in entry.split("/")[0] for entry in acl):
        await connection.execute(f'GRANT USAGE ON SCHEMA "{schema}" TO PUBLIC')


def database_name(database_url: str) -> str:
    """The database part of a URL (`postgres` when it names none)."""
    return urlsplit(database_url).path.lstrip("/") or "postgres"


def _run(database_url: str, work: Callable[[Any], Awaitable[T]]) -> T:
    # asyncpg ships no type information; the calls above are few and simple.
    import asyncpg

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
