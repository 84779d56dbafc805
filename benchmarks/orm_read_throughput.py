"""Read throughput of GET /posts/{id} through the ORM, against raw asyncpg, on PostgreSQL.

One uvicorn server (1 worker) serves the real app plus two benchmark-only routes that answer
the same JSON: GET /raw/posts/{id}, one hand-written SQL query on a plain asyncpg pool of the
same size as the app's; and GET /core/posts/{id}, SQLAlchemy Core without the ORM (a column
`select()` on a connection of the app's own engine, in a `yield` dependency, with the app's
response model), which shows what SQLAlchemy itself costs before any ORM work. wrk loads each
route in turn (alternating rounds, medians); the script prints req/s and the ratios to raw; the
target is ORM / raw >= 0.5. It also prints the server's own CPU time per request (psutil): on a
machine shared with other work, req/s swings with their load while CPU per request barely does,
so that ratio is the steadier. And wrk's p99 latency per route: the app freezes its startup
objects out of the garbage collector (app/main.py); `--gc-default` undoes that in the server,
to show what it saves.

    .venv/bin/python benchmarks/orm_read_throughput.py

Needs PostgreSQL and wrk. BENCH_DATABASE_URL (default
postgresql+asyncpg://postgres@127.0.0.1:5432/vibecode_bench) is created if missing and rebuilt
by the migrations. Not a test: quote medians and the ratio, the absolute figures are the
machine's.
"""

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/vibecode_bench"
TARGET_RATIO = 0.5
GC_DEFAULT_ENV = "BENCH_GC_DEFAULT"

RAW_SQL = """
SELECT p.public_id, p.title, p.content, p.created_at, u.public_id AS author_id
FROM posts AS p JOIN users AS u ON u.id = p.author_id
WHERE p.public_id = $1
"""


# --- the server side: the app plus a raw route (imported by uvicorn) ----------------------


def _asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def create_bench_app() -> Any:
    """The real app, plus GET /raw/posts/{id} on its own asyncpg pool (benchmark only)."""
    import asyncpg  # type: ignore[import-untyped]  # ships no type information
    from fastapi import FastAPI, Request
    from fastapi.responses import JSONResponse

    from app.core.config import get_settings
    from app.main import create_app

    settings = get_settings()
    app = create_app(settings)
    app_lifespan = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with app_lifespan(app):
            if os.environ.get(GC_DEFAULT_ENV):
                import gc

                gc.unfreeze()  # back to Python's default: every full collection scans startup
            # Same size as the app's SQLAlchemy pool: a fair fight.
            size = settings.db_pool_size + settings.db_max_overflow
            app.state.raw_pool = await asyncpg.create_pool(
                _asyncpg_dsn(settings.database_url), min_size=settings.db_pool_size, max_size=size
            )
            try:
                yield
            finally:
                await app.state.raw_pool.close()

    app.router.lifespan_context = lifespan

    async def raw_post(public_id: uuid.UUID, request: Request) -> JSONResponse:
        row = await request.app.state.raw_pool.fetchrow(RAW_SQL, public_id)
        if row is None:
            return JSONResponse({"detail": "Post not found"}, status_code=404)
        return JSONResponse(
            {
                "id": str(row["public_id"]),
                "title": row["title"],
                "content": row["content"],
                "created_at": row["created_at"].isoformat(),
                "author": {"id": str(row["author_id"])},
            }
        )

    app.add_api_route("/raw/posts/{public_id}", raw_post)
    _add_core_route(app)
    return app


def _add_core_route(app: Any) -> None:
    """GET /core/posts/{id}: the same read in SQLAlchemy Core, shaped like the app's route."""
    from collections.abc import AsyncIterator
    from typing import Annotated

    from fastapi import Depends, HTTPException, Request
    from sqlalchemy import bindparam, select
    from sqlalchemy.ext.asyncio import AsyncConnection

    from app.core.state import app_state
    from app.models.post import Post
    from app.models.user import User
    from app.schemas.post import PostPublic

    query = (
        select(
            Post.public_id,
            Post.title,
            Post.content,
            Post.created_at,
            User.public_id.label("author_public_id"),
        )
        .join(Post.author)
        .where(Post.public_id == bindparam("public_id"))
    )

    async def connection(request: Request) -> AsyncIterator[AsyncConnection]:
        state = app_state(request.app)  # a session slot first, as the app's session dependency
        async with state.session_slots.take(), state.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")  # as autocommit_reads
            yield conn

    async def core_post(
        public_id: uuid.UUID, conn: Annotated[AsyncConnection, Depends(connection)]
    ) -> dict[str, Any]:
        row = (await conn.execute(query, {"public_id": public_id})).one_or_none()
        if row is None:
            raise HTTPException(404, "Post not found")
        author = {"public_id": row.author_public_id}
        return {
            "public_id": row.public_id,
            "title": row.title,
            "content": row.content,
            "created_at": row.created_at,
            "author": author,
        }

    app.add_api_route("/core/posts/{public_id}", core_post, response_model=PostPublic)


# --- the client side -----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _request(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None) -> Any:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


def _prepare_database(url: str, env: dict[str, str]) -> None:
    """Create the database if needed, then rebuild it with the migrations."""
    import asyncio

    import asyncpg

    async def create() -> None:
        dsn = _asyncpg_dsn(url)
        name = dsn.rsplit("/", 1)[1].split("?")[0]
        admin = await asyncpg.connect(dsn.rsplit("/", 1)[0] + "/postgres")
        try:
            if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
                await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()

    asyncio.run(create())
    for revision in (["downgrade", "base"], ["upgrade", "head"]):
        subprocess.run(
            [sys.executable, "-m", "alembic", *revision],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )


@contextlib.contextmanager
def uvicorn_server(env: dict[str, str]) -> Iterator[tuple[str, psutil.Process]]:
    """Start the benchmark app under uvicorn (1 worker), yield its URL and process, stop it."""
    port = _free_port()
    command = [sys.executable, "-m", "uvicorn", "--factory"]
    command += ["benchmarks.orm_read_throughput:create_bench_app", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--no-access-log", "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                _request(f"{base}/health")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("uvicorn did not start") from None
                time.sleep(0.1)
        yield base, psutil.Process(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _seed(base: str, posts: int) -> str:
    """Create one user and `posts` posts through the API; return one post's public id."""
    email, password = "bench@example.com", "bench-password-123"
    body = {"email": email, "password": password, "confirm_password": password}
    json_headers = {"Content-Type": "application/json"}
    _request(f"{base}/users/register", data=json.dumps(body).encode(), headers=json_headers)
    form = f"username={email}&password={password}".encode()
    token = _request(
        f"{base}/users/login",
        data=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )["access_token"]
    auth = json_headers | {"Authorization": f"Bearer {token}"}
    ids = [
        _request(
            f"{base}/posts",
            data=json.dumps({"title": f"Post {i}", "content": "Lorem ipsum " * 20}).encode(),
            headers=auth,
        )["id"]
        for i in range(posts)
    ]
    return str(ids[len(ids) // 2])


@dataclass
class Measure:
    """One wrk run: throughput, and the server's own CPU time per request."""

    rps: float
    cpu_us_per_request: float
    p99_ms: float


LATENCY_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, *, seconds: int, connections: int, server: psutil.Process) -> Measure:
    """Run wrk on `url` (fail on any non-2xx answer or socket error)."""
    cpu_before = sum(server.cpu_times()[:2])
    result = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency", url],
        check=True,
        capture_output=True,
        text=True,
    )
    cpu = sum(server.cpu_times()[:2]) - cpu_before
    if "Non-2xx" in result.stdout or "Socket errors" in result.stdout:
        raise RuntimeError(f"wrk saw errors:\n{result.stdout}")
    rps = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    count = re.search(r"(\d+) requests in", result.stdout)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", result.stdout, re.M)
    if rps is None or count is None or p99 is None:
        raise RuntimeError(result.stdout)
    p99_ms = float(p99.group(1)) * LATENCY_UNITS_MS[p99.group(2)]
    return Measure(float(rps.group(1)), cpu / int(count.group(1)) * 1e6, p99_ms)


def _same_data(orm: dict[str, Any], raw: dict[str, Any]) -> bool:
    from datetime import datetime

    def normal(post: dict[str, Any]) -> dict[str, Any]:
        created = datetime.fromisoformat(post["created_at"].replace("Z", "+00:00"))
        return post | {"created_at": created}

    return normal(orm) == normal(raw)


def main() -> int:
    """Prepare, serve, load both routes in turns, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8, help="duration of each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs per route")
    parser.add_argument("--connections", type=int, default=50, help="wrk connections")
    parser.add_argument(
        "--gc-default",
        action="store_true",
        help="serve with Python's default GC (startup objects not frozen), for comparison",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk)")
        return 2

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    env = os.environ | {
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_urlsafe(32),
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
    }
    if args.gc_default:
        env[GC_DEFAULT_ENV] = "1"
    _prepare_database(url, env)
    with uvicorn_server(env) as (base, server):
        post_id = _seed(base, posts=100)
        urls = {
            "orm": f"{base}/posts/{post_id}",
            "core": f"{base}/core/posts/{post_id}",
            "raw": f"{base}/raw/posts/{post_id}",
        }
        reference = _request(urls["raw"])
        for url in urls.values():
            if not _same_data(_request(url), reference):
                raise RuntimeError(f"{url} does not answer the same data as the raw route")
        for url in urls.values():  # warm up every route
            wrk(url, seconds=2, connections=args.connections, server=server)
        figures: dict[str, list[Measure]] = {name: [] for name in urls}
        for _ in range(args.rounds):  # alternate, so drifts in machine load hit all alike
            for name, url in urls.items():
                figures[name].append(
                    wrk(url, seconds=args.seconds, connections=args.connections, server=server)
                )
    print(
        f"uvicorn (1 worker), PostgreSQL, wrk -t1 -c{args.connections} "
        f"-d{args.seconds}s x {args.rounds} rounds, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}, "
        + ("GC: Python's default (--gc-default)" if args.gc_default else "GC: startup frozen")
    )
    rps = {name: statistics.median(m.rps for m in runs) for name, runs in figures.items()}
    cpu = {
        name: statistics.median(m.cpu_us_per_request for m in runs)
        for name, runs in figures.items()
    }
    p99 = {name: statistics.median(m.p99_ms for m in runs) for name, runs in figures.items()}
    routes = {"orm": "/posts/{id}", "core": "/core/posts/{id}", "raw": "/raw/posts/{id}"}
    for name, route in routes.items():
        runs = ", ".join(f"{m.rps:.0f}" for m in figures[name])
        print(
            f"{name:<4} GET {route:<17} median {rps[name]:7.0f} req/s  [{runs}]  "
            f"server CPU {cpu[name]:5.0f} us/request  p99 {p99[name]:6.1f} ms  "
            f"ratio to raw {rps[name] / rps['raw']:.2f}"
        )
    ratio = rps["orm"] / rps["raw"]
    verdict = "OK" if ratio >= TARGET_RATIO else "BELOW TARGET"
    print(f"ratio ORM / raw, req/s: {ratio:.2f} (target >= {TARGET_RATIO}): {verdict}")
    # On a shared machine req/s swings with other load; CPU per request barely does.
    print(f"ratio ORM / raw, by server CPU per request: {cpu['raw'] / cpu['orm']:.2f}")
    print(
        f"SQLAlchemy Core alone: {cpu['core'] - cpu['raw']:.0f} us/request over raw asyncpg; "
        f"the ORM session and objects: {cpu['orm'] - cpu['core']:.0f} us more"
    )
    return 0 if ratio >= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
