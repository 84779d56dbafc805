"""Attack a real uvicorn server running the reference app, and print what each attack did.

The attacks of issue 14's security review, each against `uvicorn app.main:app` on a free port:

- redos: one request whose query string (GET /health?...) or path (GET /posts/...) is N characters
  long, while a probe sends GET /health every 50 ms: how long the loop stayed blocked.
- login-burst: 40 concurrent wrong-password logins while probes read /health and a post; again
  with DB_POOL_SIZE=4, then with the default login rate limit: the probes' latency and every
  status seen.
- body: four concurrent 50 MB JSON bodies: the server's resident memory before and after.
- blackhole: the app on a database address that accepts connections and never answers: how long
  GET /health takes and what it answers.
- inputs: an offset past 64 bits, NUL bytes in a post and in the login form.
- races: 10 concurrent DELETEs of one post, and PATCH racing DELETE on 20 posts.

    .venv/bin/python benchmarks/attack_app.py                      # SQLite
    .venv/bin/python benchmarks/attack_app.py --db postgresql+asyncpg://postgres@127.0.0.1:5432/x
    .venv/bin/python benchmarks/attack_app.py --app-dir /tmp/old   # another copy of the app

Not a test: the figures depend on the machine (quote them with its load). On PostgreSQL the
database named in --db is emptied (its public schema dropped) before the run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import psutil

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "attack-password-123"


def free_port() -> int:
    """A TCP port the OS says is free."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def server_env(app_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of the server: production settings, cheap hashing is NOT used."""
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(app_dir),
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(32),
        DEBUG="false",
        LOG_LEVEL="INFO",
        HASH_THREADS="1",
        # High enough for the attacks' own logins; the "limit" attack uses the default.
        LOGIN_RATE_LIMIT="1000/minute",
    )
    env.update(extra)
    return env


def reset_postgres(database_url: str) -> None:
    """Drop and re-create the public schema of the attack's own PostgreSQL database."""
    import asyncpg  # type: ignore[import-untyped]  # ships no type information

    async def reset() -> None:
        url = database_url.replace("postgresql+asyncpg://", "postgresql://")
        connection = await asyncpg.connect(url)
        try:
            await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        finally:
            await connection.close()

    asyncio.run(reset())


@contextlib.contextmanager
def uvicorn(
    app_dir: Path, env: dict[str, str], *, migrate: bool = True, access_log: bool = True
) -> Iterator[tuple[str, psutil.Process]]:
    """Migrate, start `uvicorn app.main:app`, yield (base URL, process), stop it."""
    if migrate:
        subprocess.run(
            [sys.executable, "-m", "alembic", "upgrade", "head"],
            cwd=app_dir,
            env=env,
            check=True,
            capture_output=True,
        )
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port)]
    command += [] if access_log else ["--no-access-log"]
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    process = subprocess.Popen(command, cwd=app_dir, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(log.read().decode()[-2000:]) from None
                time.sleep(0.1)
        yield base, psutil.Process(process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


class Probe:
    """GET a path every `every` seconds (open loop) and keep each answer's latency and status."""

    def __init__(self, session: aiohttp.ClientSession, url: str, every: float = 0.05) -> None:
        self.session, self.url, self.every = session, url, every
        self.samples: list[tuple[float, int]] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._runner: asyncio.Task[None] | None = None

    async def _one(self) -> None:
        started = time.perf_counter()
        try:
            async with self.session.get(self.url) as response:
                await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError):
            status = 0
        self.samples.append((time.perf_counter() - started, status))

    async def _run(self) -> None:
        while True:
            self._tasks.append(asyncio.create_task(self._one()))
            await asyncio.sleep(self.every)

    def __enter__(self) -> Probe:
        self._runner = asyncio.create_task(self._run())
        return self

    async def stop(self) -> str:
        """Stop sending, wait for the answers, and describe them in one line."""
        assert self._runner is not None
        self._runner.cancel()
        await asyncio.gather(*self._tasks)
        times = [t * 1000 for t, _ in self.samples]
        statuses = dict(Counter(s for _, s in self.samples))
        return (
            f"{len(times)} probes, p50 {statistics.median(times):.0f} ms, "
            f"max {max(times):.0f} ms, statuses {statuses}"
        )

    def __exit__(self, *_: object) -> None:
        pass


async def account(session: aiohttp.ClientSession, base: str) -> tuple[str, dict[str, str]]:
    """Register and log in a fresh user; return their email and auth headers."""
    email = f"attacker-{secrets.token_hex(4)}@example.com"
    body = {"email": email, "password": PASSWORD, "confirm_password": PASSWORD}
    async with session.post(f"{base}/users/register", json=body) as response:
        assert response.status == 201, await response.text()
    form = {"username": email, "password": PASSWORD}
    async with session.post(f"{base}/users/login", data=form) as response:
        token = (await response.json())["access_token"]
    return email, {"Authorization": f"Bearer {token}"}


async def new_post(session: aiohttp.ClientSession, base: str, headers: dict[str, str]) -> str:
    """Create a post; return its id."""
    body = {"title": "t", "content": "c"}
    async with session.post(f"{base}/posts", json=body, headers=headers) as response:
        post_id: str = (await response.json())["id"]
        return post_id


async def timed(session: aiohttp.ClientSession, method: str, url: str, **kw: object) -> str:
    """One request: its status and how long it took."""
    started = time.perf_counter()
    try:
        async with session.request(method, url, **kw) as response:  # type: ignore[arg-type]
            await response.read()
            status = str(response.status)
    except (aiohttp.ClientError, TimeoutError) as error:
        status = type(error).__name__
    return f"{status} in {time.perf_counter() - started:.2f} s"


async def attack_redos(base: str, chars: int) -> list[str]:
    """A long query string and a long path, while /health is probed."""
    lines = []
    timeout = aiohttp.ClientTimeout(total=600)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        for what, url in (
            ("query", f"{base}/health?{'a' * chars}"),
            ("path", f"{base}/posts/{'a' * chars}"),
        ):
            with Probe(session, f"{base}/health") as probe:
                await asyncio.sleep(0.2)
                answer = await timed(session, "GET", url)
                await asyncio.sleep(0.2)
                lines.append(f"redos {what} {chars} chars: {answer}; /health {await probe.stop()}")
    return lines


async def attack_login_burst(base: str, label: str) -> list[str]:
    """40 concurrent wrong-password logins while /health and GET /posts/{id} are probed."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        email, headers = await account(session, base)
        post_id = await new_post(session, base, headers)
        form = {"username": email, "password": "wrong-password"}

        async def login() -> int:
            async with session.post(f"{base}/users/login", data=form) as response:
                await response.read()
                return response.status

        with (
            Probe(session, f"{base}/health") as health,
            Probe(session, f"{base}/posts/{post_id}") as read,
        ):
            started = time.perf_counter()
            statuses = Counter(await asyncio.gather(*(login() for _ in range(40))))
            seconds = time.perf_counter() - started
            return [
                f"login burst ({label}): 40 logins in {seconds:.1f} s, statuses {dict(statuses)}",
                f"  /health during it: {await health.stop()}",
                f"  GET /posts/{{id}} during it: {await read.stop()}",
            ]


async def attack_body(base: str, process: psutil.Process) -> list[str]:
    """Four concurrent 50 MB JSON bodies."""
    body = b'{"email": "' + b"a" * (50 * 1024 * 1024) + b'"}'
    before = process.memory_info().rss / 2**20
    peak = before

    async def watch() -> None:
        nonlocal peak
        while True:
            peak = max(peak, process.memory_info().rss / 2**20)
            await asyncio.sleep(0.02)

    watcher = asyncio.create_task(watch())
    headers = {"Content-Type": "application/json"}
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        answers = await asyncio.gather(
            *(
                timed(session, "POST", f"{base}/users/register", data=body, headers=headers)
                for _ in range(4)
            )
        )
    await asyncio.sleep(0.3)
    watcher.cancel()
    return [f"body 4 x 50 MB: {answers}; server RSS {before:.0f} MiB before, peak {peak:.0f} MiB"]


async def attack_inputs(base: str) -> list[str]:
    """Integers past 64 bits and NUL bytes (a new connection each: a 500 may close one)."""
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(connector=connector) as session:
        _, headers = await account(session, base)
        answers = {
            "offset 2**63": await timed(session, "GET", f"{base}/posts?offset={2**63}"),
            "NUL in title": await timed(
                session,
                "POST",
                f"{base}/posts",
                json={"title": "a\x00b", "content": "c"},
                headers=headers,
            ),
            "NUL in content": await timed(
                session,
                "POST",
                f"{base}/posts",
                json={"title": "t", "content": "a\x00b"},
                headers=headers,
            ),
            "NUL in username": await timed(
                session,
                "POST",
                f"{base}/users/login",
                data={"username": "a\x00b@example.com", "password": "x"},
            ),
        }
    return [f"input {name}: {answer}" for name, answer in answers.items()]


async def attack_races(base: str) -> list[str]:
    """Concurrent DELETEs of one post; PATCH racing DELETE."""
    async with aiohttp.ClientSession() as session:
        _, headers = await account(session, base)
        post_id = await new_post(session, base, headers)

        async def status(method: str, path: str, **kw: object) -> int:
            async with session.request(method, f"{base}{path}", headers=headers, **kw) as r:  # type: ignore[arg-type]
                await r.read()
                return r.status

        deletes = Counter(
            await asyncio.gather(*(status("DELETE", f"/posts/{post_id}") for _ in range(10)))
        )
        mixed: Counter[str] = Counter()
        for _ in range(20):
            post_id = await new_post(session, base, headers)
            results = await asyncio.gather(
                status("PATCH", f"/posts/{post_id}", json={"title": "x"}),
                status("DELETE", f"/posts/{post_id}"),
                status("PATCH", f"/posts/{post_id}", json={"title": "y"}),
                status("DELETE", f"/posts/{post_id}"),
            )
            mixed.update(f"{m} {s}" for m, s in zip(["PATCH", "DELETE"] * 2, results, strict=True))
    return [
        f"races: 10 DELETEs of one post: {dict(deletes)}",
        f"races: PATCH/DELETE/PATCH/DELETE on 20 posts: {dict(sorted(mixed.items()))}",
    ]


@contextlib.contextmanager
def blackhole() -> Iterator[int]:
    """A listener that accepts connections and never answers (a database that hangs)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


async def attack_blackhole(app_dir: Path) -> list[str]:
    """The app on a database that never answers: GET /health."""
    with blackhole() as port:
        url = f"postgresql+asyncpg://postgres@127.0.0.1:{port}/nowhere"
        with uvicorn(app_dir, server_env(app_dir, url), migrate=False) as (base, _):
            timeout = aiohttp.ClientTimeout(total=60)
            async with aiohttp.ClientSession(timeout=timeout) as session:
                answers = [await timed(session, "GET", f"{base}/health") for _ in range(2)]
    return [f"blackholed database: GET /health -> {answers}"]


def main() -> None:
    """Run every attack (or those named) and print one line per finding."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--app-dir", type=Path, default=ROOT)
    parser.add_argument("--db", default="", help="a PostgreSQL URL (default: a SQLite file)")
    parser.add_argument("--redos-chars", type=int, default=16_000)
    parser.add_argument("--only", nargs="*", default=[])
    args = parser.parse_args()
    app_dir = args.app_dir.resolve()
    wanted = set(args.only) or {"redos", "login", "body", "inputs", "races", "blackhole"}
    print(f"app: {app_dir}; load average {os.getloadavg()[0]:.2f}; {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or f"sqlite+aiosqlite:///{folder}/attack.db"
        if args.db:
            reset_postgres(args.db)
        print(f"database: {url.split('@')[-1]}")
        lines: list[str] = []
        env = server_env(app_dir, url)
        with uvicorn(app_dir, env) as (base, process):
            if "redos" in wanted:
                lines += asyncio.run(attack_redos(base, args.redos_chars))
            if "login" in wanted:
                lines += asyncio.run(attack_login_burst(base, "DB_POOL_SIZE=20"))
            if "body" in wanted:
                lines += asyncio.run(attack_body(base, process))
            if "inputs" in wanted:
                lines += asyncio.run(attack_inputs(base))
            if "races" in wanted:
                lines += asyncio.run(attack_races(base))
        if "login" in wanted:
            small = server_env(app_dir, url, DB_POOL_SIZE="4", DB_POOL_TIMEOUT="5")
            with uvicorn(app_dir, small, migrate=False) as (base, _):
                lines += asyncio.run(attack_login_burst(base, "DB_POOL_SIZE=4"))
        if "login" in wanted:
            default = server_env(app_dir, url)
            default.pop("LOGIN_RATE_LIMIT")
            with uvicorn(app_dir, default, migrate=False) as (base, _):
                lines += asyncio.run(attack_login_burst(base, "default LOGIN_RATE_LIMIT"))
        if "blackhole" in wanted:
            lines += asyncio.run(attack_blackhole(app_dir))
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
