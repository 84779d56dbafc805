"""Going back a step and `vibecode db reset`: the data kept aside, the database rebuilt.

On real databases: the workspace's SQLite file and a PostgreSQL database of the test's own
(VIBECODE_TEST_PG_DATABASE names it, else one named after the test's folder), created and
dropped around each test.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tool_tests.serve import fixtures
from vibecode.errors import VibecodeError
from vibecode.serve import migrations, postgres
from vibecode.serve.environment import POSTGRES_URL

# Alembic through SQLAlchemy's async engine: the same env.py runs on aiosqlite and asyncpg.
ASYNC_ENV = """
import asyncio
import logging
import os

from alembic import context
from sqlalchemy.ext.asyncio import create_async_engine


def run(connection):
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()


async def main():
    engine = create_async_engine(os.environ["DATABASE_URL"])
    async with engine.connect() as connection:
        await connection.run_sync(run)
        await connection.commit()
    await engine.dispose()


logging.basicConfig(level=logging.INFO)  # Alembic's "Running upgrade" lines, as the course's
asyncio.run(main())
"""


def with_migrations(workspace: Path, revisions: int) -> Path:
    fixtures.add_migrations(workspace, revisions=revisions)
    (workspace / "migrations" / "env.py").write_text(ASYNC_ENV)
    return workspace


def back_one_step(workspace: Path, revisions: int) -> None:
    """The step before has one migration fewer, as after `vibecode goto` back."""
    (workspace / "migrations" / "versions" / f"r{revisions}.py").unlink()
    shutil.rmtree(workspace / "migrations" / "versions" / "__pycache__", ignore_errors=True)


@pytest.fixture
def pg_url(tmp_path: Path) -> Iterator[str]:
    """An empty PostgreSQL database of this test's own, dropped afterwards."""
    digest = hashlib.sha256(str(tmp_path).encode()).hexdigest()[:10]
    name = os.environ.get("VIBECODE_TEST_PG_DATABASE") or f"vibecode_reset_{digest}"
    url = postgres.recreate_database(POSTGRES_URL, name)
    yield url
    postgres.drop_database(POSTGRES_URL, name)


def pg(url: str, query: str) -> list[tuple[object, ...]]:
    import asyncio

    import asyncpg  # type: ignore[import-untyped]

    async def run() -> list[tuple[object, ...]]:
        connection = await asyncpg.connect(postgres.plain_url(url))
        try:
            return [tuple(row) for row in await connection.fetch(query)]
        finally:
            await connection.close()

    return asyncio.run(run())


def tables(url: str, schema: str) -> set[str]:
    rows = pg(url, f"SELECT tablename FROM pg_tables WHERE schemaname = '{schema}'")
    return {str(name) for (name,) in rows}


@pytest.mark.e2e  # real PostgreSQL
def test_going_back_on_postgres_keeps_the_data_in_a_schema_and_rebuilds(
    app_workspace: Path, pg_url: str
) -> None:
    workspace = with_migrations(app_workspace, 2)
    schema_rights = (
        "SELECT pg_get_userbyid(nspowner), nspacl::text FROM pg_namespace WHERE nspname = 'public'"
    )
    rights_before = pg(pg_url, schema_rights)
    first = migrations.upgrade(workspace, database_url=pg_url)
    assert first.applied == ("r1", "r2") and first.kept_at is None
    pg(pg_url, "INSERT INTO t1 (id) VALUES (41), (42)")

    back_one_step(workspace, 2)
    result = migrations.upgrade(workspace, database_url=pg_url)

    assert result.schema_aside is not None and result.schema_aside.startswith("vibecode_saved_")
    assert result.applied == ("r1",)
    assert tables(pg_url, "public") == {"t1", "alembic_version"}
    assert pg(pg_url, "SELECT count(*) FROM public.t1") == [(0,)]  # rebuilt, empty
    assert pg(pg_url, schema_rights) == rights_before  # the same owner and USAGE as before
    saved = result.schema_aside
    assert tables(pg_url, saved) == {"t1", "t2", "alembic_version"}
    assert pg(pg_url, f"SELECT id FROM {saved}.t1 ORDER BY id") == [(41,), (42,)]  # kept
    assert result.kept_at is not None
    assert f"schema {saved} of PostgreSQL database {postgres.database_name(pg_url)}" in (
        result.kept_at
    )


def vibecode(
    workspace: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vibecode", *args, "-w", str(workspace)],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        timeout=120,
        check=False,
    )


@pytest.mark.e2e  # real PostgreSQL
def test_db_reset_on_postgres_twice_keeps_both_copies(app_workspace: Path, pg_url: str) -> None:
    workspace = with_migrations(app_workspace, 2)
    migrations.upgrade(workspace, database_url=pg_url)
    pg(pg_url, "INSERT INTO t2 (id) VALUES (7)")
    env = {"DATABASE_URL": pg_url}

    first = vibecode(workspace, "db", "reset", "--db", "postgres", env=env)
    second = vibecode(workspace, "db", "reset", "--db", "postgres", env=env)

    assert first.returncode == 0, first.stderr
    assert "kept the old data in schema vibecode_saved_" in first.stdout
    assert "PostgreSQL database rebuilt: r1, r2" in first.stdout
    assert second.returncode == 0, second.stderr
    saved = sorted(
        str(name)
        for (name,) in pg(
            pg_url, "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'vibecode_saved_%'"
        )
    )
    assert len(saved) == 2  # a second reset within the same second does not collide
    assert pg(pg_url, f"SELECT id FROM {saved[0]}.t2") == [(7,)]
    assert tables(pg_url, "public") == {"t1", "t2", "alembic_version"}
    assert pg(pg_url, "SELECT count(*) FROM public.t2") == [(0,)]


def test_db_reset_on_sqlite_moves_the_file_aside_and_migrates(app_workspace: Path) -> None:
    workspace = with_migrations(app_workspace, 1)
    migrations.upgrade(workspace, database_url=None)
    with sqlite3.connect(workspace / "vibecode.db") as connection:
        connection.execute("INSERT INTO t1 (id) VALUES (5)")

    done = vibecode(workspace, "db", "reset", "--db", "sqlite")

    assert done.returncode == 0, done.stderr
    [kept] = (workspace / ".vibecode" / "saved-db").glob("*-vibecode.db")
    assert f"kept the old data in {kept}" in done.stdout.replace("\n", "")
    assert "SQLite database rebuilt: r1" in done.stdout
    with sqlite3.connect(kept) as connection:
        assert connection.execute("SELECT id FROM t1").fetchall() == [(5,)]
    with sqlite3.connect(workspace / "vibecode.db") as connection:
        assert connection.execute("SELECT count(*) FROM t1").fetchall() == [(0,)]


def test_db_reset_is_refused_while_a_server_holds_the_database(app_workspace: Path) -> None:
    from vibecode.serve.record import ServerRecord, write_server

    workspace = with_migrations(app_workspace, 1)
    migrations.upgrade(workspace, database_url=None)
    write_server(
        workspace,
        ServerRecord(
            url="http://127.0.0.1:1", pid=os.getpid(), host="127.0.0.1", port=1,
            database="sqlite", tap="", log="", started_at=0.0, step=1,
        ),
    )  # fmt: skip

    refused = vibecode(workspace, "db", "reset")

    assert refused.returncode == 2
    assert "holds the database open; stop it first (Ctrl-C in its terminal)" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert (workspace / "vibecode.db").exists()
    assert not (workspace / ".vibecode" / "saved-db").exists()


def test_a_sqlite_file_outside_the_workspace_is_never_moved(
    app_workspace: Path, tmp_path: Path
) -> None:
    elsewhere = f"sqlite+aiosqlite:///{tmp_path / 'mine.db'}"
    with pytest.raises(VibecodeError, match="outside the workspace: the tool leaves it alone"):
        migrations.set_aside(app_workspace, elsewhere)


@pytest.mark.e2e
@pytest.mark.usefixtures("no_orphans")
def test_serve_on_postgres_at_19_then_goto_13_rebuilds_and_keeps_serving(
    tmp_path: Path, pg_url: str
) -> None:
    """The issue's run: `serve --db postgres` at the last step, `goto 13` while it serves."""
    import json
    import signal
    import time
    import urllib.request

    from vibecode.course.manifest import load_course
    from vibecode.paths import steps_root
    from vibecode.serve.preflight import free_port
    from vibecode.workspace.apply import goto

    course = load_course(steps_root())
    workspace = tmp_path / "workshop"
    goto(course, workspace, course.last)
    port = free_port()
    log = tmp_path / "serve.out"
    with log.open("w") as out:
        serve = subprocess.Popen(
            [sys.executable, "-m", "vibecode", "serve", "--db", "postgres", "--port", str(port),
             "-w", str(workspace)],
            stdout=out, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "DATABASE_URL": pg_url, "COLUMNS": "300"},
        )  # fmt: skip

    def health() -> int | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as answer:
                return int(answer.status)
        except OSError:
            return None

    def wait(predicate: object, what: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():  # type: ignore[operator]
                return
            assert serve.poll() is None, log.read_text()
            time.sleep(0.2)
        pytest.fail(f"{what}; serve said:\n{log.read_text()}")

    try:
        wait(lambda: health() == 200, "the server never answered at the last step")
        body = json.dumps(
            {"email": "kept@example.com", "password": "demo123", "confirm_password": "demo123"}
        ).encode()
        register = urllib.request.Request(
            f"http://127.0.0.1:{port}/users/register",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(register, timeout=30) as answer:
            assert answer.status == 201
        goto(course, workspace, 13)
        wait(lambda: "rebuilt it" in log.read_text(), "serve never rebuilt the database")
        wait(
            lambda: json.loads((workspace / ".vibecode" / "server.json").read_text())["step"] == 13,
            "the record never followed the step",
        )
        wait(lambda: health() == 200, "the server never came back at step 13")
        said = " ".join(log.read_text().split())
        assert "DROP SCHEMA public CASCADE" not in said  # no dead end
        [saved] = [
            str(name)
            for (name,) in pg(
                pg_url, "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'vibecode_saved_%'"
            )
        ]
        assert f"kept its data in schema {saved} of PostgreSQL database" in said
        assert pg(pg_url, f"SELECT email FROM {saved}.users") == [("kept@example.com",)]
        assert pg(pg_url, "SELECT count(*) FROM public.users") == [(0,)]
    finally:
        serve.send_signal(signal.SIGINT)
        try:
            serve.wait(timeout=20)
        except subprocess.TimeoutExpired:
            serve.kill()
            serve.wait()
