"""Helpers for the tests (fixtures live in conftest.py)."""

import contextlib
import io
import socket
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic.config import Config
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct-horse-battery"


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
