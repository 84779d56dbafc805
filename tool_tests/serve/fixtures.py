"""A tiny course and workspace apps for the serve tests: real FastAPI code, written to tmp."""

from __future__ import annotations

import textwrap
from pathlib import Path

APP_WITHOUT_HEALTH = """
from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def root() -> dict[str, str]:
    return {"hello": "workspace", "file": __file__}
"""

APP_WITH_ITEMS = """
import asyncio

from fastapi import FastAPI, Header, HTTPException
from pydantic import BaseModel

app = FastAPI()
ITEMS: dict[int, str] = {}


class ItemIn(BaseModel):
    name: str


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok", "file": __file__}


@app.post("/items", status_code=201)
async def create(item: ItemIn) -> dict[str, object]:
    ITEMS[len(ITEMS) + 1] = item.name
    return {"id": len(ITEMS), "name": item.name, "token": "t-" + item.name}


@app.get("/items/{item_id}")
async def read(item_id: int, authorization: str = Header(default="")) -> dict[str, object]:
    if item_id not in ITEMS:
        raise HTTPException(404, "no such item")
    return {"id": item_id, "name": ITEMS[item_id], "auth": authorization}


@app.get("/demo/async-sleep")
async def async_sleep(ms: int = 10) -> dict[str, int]:
    await asyncio.sleep(ms / 1000)
    return {"slept": ms}
"""

STEP_TEST = """
from fastapi.testclient import TestClient

from app.main import app


def test_health() -> None:
    assert TestClient(app).get("/health").json()["status"] == "ok"
"""

STEP_ONE_TOML = """
title = "Hello"
goal = "GET / answers"
minutes = 3
talking_points = ["a first endpoint"]

[[demo]]
name = "hello"
path = "/"
expect = 200
"""

STEP_TWO_TOML = """
title = "Items"
goal = "POST /items answers 201"
minutes = 7
talking_points = ["a health check", "create then read"]
tests = ["tests/test_health.py"]

[[demo]]
name = "create"
method = "POST"
path = "/items"
json = {{ name = "demo-${{run}}" }}
expect = 201
capture = {{ item = "id", token = "token" }}

[[demo]]
name = "read"
path = "/items/${{item}}"
headers = {{ Authorization = "Bearer ${{token}}" }}
expect = {read_expect}
note = "the id came from the previous answer"

[[bench]]
name = "sleepy"
title = "await asyncio.sleep"
concurrency = 2
duration = 1.0
[bench.a]
label = "async"
path = "/demo/async-sleep?ms=5"
[bench.b]
label = "async again"
path = "/demo/async-sleep?ms=1"
[[bench.claim]]
metric = "rps"
better = "b"
by_at_least = {claimed_ratio}
"""


def write(root: Path, files: dict[str, str]) -> None:
    """Write `files` (relative path -> text, dedented) under `root`."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def make_app(workspace: Path, source: str = APP_WITH_ITEMS) -> Path:
    """A workspace holding only an `app` package (no vibecode state)."""
    write(workspace, {"app/__init__.py": "", "app/main.py": source})
    return workspace


def make_course(root: Path, *, read_expect: int = 200, claimed_ratio: float = 1.0) -> Path:
    """A two-step course: step 1 has no /health, step 2 adds it, items, a test and a bench."""
    write(
        root,
        {
            "01-hello/step.toml": STEP_ONE_TOML,
            "01-hello/files/app/__init__.py": "",
            "01-hello/files/app/main.py": APP_WITHOUT_HEALTH,
            "02-items/step.toml": STEP_TWO_TOML.format(
                read_expect=read_expect, claimed_ratio=claimed_ratio
            ),
            "02-items/files/app/main.py": APP_WITH_ITEMS,
            "02-items/files/tests/__init__.py": "",
            "02-items/files/tests/test_health.py": STEP_TEST,
        },
    )
    return root


ALEMBIC_INI = """
[alembic]
script_location = migrations
"""

ALEMBIC_ENV = """
import os

from alembic import context
from sqlalchemy import create_engine

url = os.environ["DATABASE_URL"].replace("+aiosqlite", "")
with create_engine(url).connect() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
"""

REVISION = """
from alembic import op

revision = "{revision}"
down_revision = {down!r}


def upgrade() -> None:
    op.execute("CREATE TABLE {table} (id INTEGER PRIMARY KEY)")


def downgrade() -> None:
    op.execute("DROP TABLE {table}")
"""


def add_migrations(workspace: Path, *, revisions: int) -> None:
    """Alembic with `revisions` chained migrations (r1 creates t1, r2 creates t2...)."""
    files = {"alembic.ini": ALEMBIC_INI, "migrations/env.py": ALEMBIC_ENV}
    for number in range(1, revisions + 1):
        down = f"r{number - 1}" if number > 1 else None
        files[f"migrations/versions/r{number}.py"] = REVISION.format(
            revision=f"r{number}", down=down, table=f"t{number}"
        )
    write(workspace, files)
