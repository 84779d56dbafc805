"""Helpers for the tests (fixtures live in conftest.py)."""

import asyncio
import contextlib
import io
import socket
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from alembic.config import Config
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct-horse-battery"


# The suite empties every table of its database: it runs only on one named as a test database.
TEST_DATABASE_SUFFIX = "_test"


def check_test_database(url: str) -> str:
    """Return `url` if its database is named as a test database; stop the run otherwise."""
    database = make_url(url).database or ""
    name = Path(database).stem if make_url(url).get_backend_name() == "sqlite" else database
    if not name.endswith(TEST_DATABASE_SUFFIX):
        raise pytest.UsageError(
            f"TEST_DATABASE_URL names the database {name!r}: the suite deletes every row of its "
            f"database, so it only runs on one whose name ends in {TEST_DATABASE_SUFFIX!r} "
            "(created if missing), e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/vibecode_test"
        )
    return url


async def create_database_if_missing(url: str) -> None:
    """Create the PostgreSQL database of `url` when the server has none of that name."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return  # SQLite creates its file on first connect
    server = create_async_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with server.connect() as connection:
            exists = await connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": parsed.database},
            )
            if not exists:
                with contextlib.suppress(DBAPIError):  # created meanwhile by another run
                    await connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        await server.dispose()


def alembic_config(connection: Connection) -> Config:
    """An Alembic config that runs on `connection` (env.py picks it up) with quiet logging."""
    config = Config(str(ROOT / "alembic.ini"), stdout=io.StringIO())  # its messages: not ours
    config.attributes["connection"] = connection
    config.attributes["configure_logger"] = False
    return config


async def run_alembic(engine: AsyncEngine, fn: Callable[..., Any], *args: Any) -> None:
    """Run an Alembic command (e.g. `command.upgrade, "head"`) from async code.

    `run_sync` hands Alembic a synchronous connection inside the running loop; env.py must not
    (and does not) call asyncio.run() in that case.
    """
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: fn(alembic_config(sync), *args))


@asynccontextmanager
async def lifespan_client(
    app: FastAPI, *, raise_app_exceptions: bool = True
) -> AsyncIterator[AsyncClient]:
    """Run the app's lifespan and yield an HTTP client talking to it in-process."""
    async with LifespanManager(app) as manager:
        transport = ASGITransport(app=manager.app, raise_app_exceptions=raise_app_exceptions)
        async with AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


@dataclass(frozen=True)
class Account:
    """A registered user and the headers that authenticate as them."""

    id: str
    email: str
    headers: dict[str, str]


def new_email() -> str:
    """A unique email address."""
    return f"user-{uuid.uuid4().hex[:12]}@example.com"


class TcpProxy:
    """A TCP proxy on a free loopback port to `target`; `freeze()` makes it stop forwarding.

    Frozen, it keeps every connection open and swallows what arrives: a database that stopped
    answering (a network partition, a hung server), which a refused connection does not show.
    """

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.frozen = False
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []

    async def __aenter__(self) -> "TcpProxy":
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.close()

    @property
    def port(self) -> int:
        """The port the proxy listens on."""
        assert self._server is not None
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    def freeze(self) -> None:
        """Stop forwarding in both directions, connections left open."""
        self.frozen = True

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self._writers += [writer, up_writer]

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            while data := await source.read(65536):
                if not self.frozen:
                    sink.write(data)
                    await sink.drain()

        with contextlib.suppress(OSError):
            await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


@contextlib.contextmanager
def blackhole() -> Iterator[int]:
    """A loopback port that accepts connections and never answers (a database that hangs)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)  # the kernel completes handshakes; nobody ever reads or writes
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
