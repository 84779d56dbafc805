"""Rewrite every step of the course from the reference app (app/, tests/, ...).

The reference app is the last step. Each earlier step is carved out of it: `workspace(n)` is the
whole app at step n, built by removing from the final files what later steps introduce (each
feature below is the step number that introduces it). A few early versions are too different to
carve and are written by hand in their step's files/ (HAND_WRITTEN). Each step's files/ is then
exactly what differs from the step before, its `tests` list every test file present, and the
generated Python is ruff-formatted.

When the app changes, commit it, then run `python scripts/carve_steps.py` (it reads the app at
HEAD; `--worktree` reads the files on disk): every step follows, not only the last. A carving rule that no longer matches the app stops with the text it could not find;
adjust that rule (or move the change by hand) and run it again. Then `vibecode script`.
The step manifests' prose (talking points, demos, benches) is never touched.
"""

# The carving rules quote the app's lines verbatim, so some exceed the line length.
# ruff: noqa: E501

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS = ROOT / "steps"


# Carve from the committed reference app (HEAD), so that an edit in progress in app/ never leaks
# into the steps; `--worktree` carves from the files on disk instead.
FROM_WORKTREE = "--worktree" in sys.argv[1:]


def final(path: str) -> str:
    """A file of the reference app."""
    if FROM_WORKTREE:
        return (ROOT / path).read_text()
    return subprocess.run(
        ["git", "show", f"HEAD:{path}"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


def reference_paths() -> list[str]:
    """Every file of the reference app (app/, tests/, alembic.ini, .env.example, pytest.ini)."""
    names = ("app", "tests", "alembic.ini", ".env.example", "pytest.ini")
    if FROM_WORKTREE:
        found = []
        for name in names:
            p = ROOT / name
            files = [p] if p.is_file() else sorted(f for f in p.rglob("*") if f.is_file())
            found += [f.relative_to(ROOT).as_posix() for f in files]
    else:
        listed = subprocess.run(
            ["git", "ls-files", "--", *names], cwd=ROOT, capture_output=True, text=True, check=True
        )
        found = listed.stdout.split()
    return [p for p in found if "__pycache__" not in p and not p.endswith(".pyc")]


def cut(text: str, old: str, new: str = "", count: int = 1) -> str:
    """Replace `old`, which must occur exactly `count` times."""
    n = text.count(old)
    if n != count:
        raise SystemExit(f"expected {count} of {old[:80]!r}, found {n}")
    return text.replace(old, new)


def rcut(text: str, pattern: str, new: str = "") -> str:
    """Replace the one match of a regular expression (dot matches newlines)."""
    out, n = re.subn(pattern, new, text, flags=re.S)
    if n != 1:
        raise SystemExit(f"regex {pattern[:80]!r} matched {n}")
    return out


STEP_DIRS = sorted(p.name for p in STEPS.iterdir() if p.is_dir() and p.name[:2].isdigit())
LAST = 19

# Features: the step that introduces them.
DB, MODEL, MIGR, HASH, SCHEMAS, REGISTER, LOGIN, ME, REQID, ERR500, REDACT = range(3, 14)
SERVICE = REGISTER
POSTMODEL, POSTS, LIST, OWN, DEMO, PG = range(14, 20)


def drop_lines(text: str, n: int, rules: dict[str, int]) -> str:
    """Drop every line containing a key whose step is later than n (each key must match)."""
    lines = text.split("\n")
    for key in rules:
        if not any(key in line for line in lines):
            raise SystemExit(f"drop_lines: {key!r} not found")
    return "\n".join(
        line for line in lines if not any(key in line and n < step for key, step in rules.items())
    )


def block(text: str, start: str, end: str | None, n: int, step: int, new: str = "") -> str:
    """Remove text[start:end) when n < step (end=None: to the end)."""
    if start not in text:
        raise SystemExit(f"block: {start[:60]!r} not found")
    if n >= step:
        return text
    i = _back_over_async(text, text.index(start))
    j = _back_over_async(text, text.index(end, i + len(start) + 6)) if end else len(text)
    return text[:i] + new + text[j:]


def _back_over_async(text: str, i: int) -> int:
    """A marker `def f` also matches `async def f`: start at `async`."""
    return i - 6 if text[max(0, i - 6) : i] == "async " else i


def sub(text: str, old: str, new: str, n: int, step: int) -> str:
    """Replace old by new when n < step."""
    if old not in text:
        raise SystemExit(f"sub: {old[:60]!r} not found")
    return text.replace(old, new) if n < step else text


# Early versions written by hand (too different from the final file to carve): step -> paths.
HAND_WRITTEN = {
    1: ["app/main.py", "pytest.ini", "tests/conftest.py", "tests/test_health.py"],
    2: [
        "app/main.py",
        "app/core/config.py",
        "app/api/health.py",
        ".env.example",
        "tests/conftest.py",
        "tests/test_config.py",
    ],
    3: ["tests/conftest.py", "tests/helpers.py"],
}
_HAND: dict[tuple[int, str], str] = {}


def hand(n: int, path: str) -> str:
    """A hand-written early version, as it is in the step's files/ folder."""
    if (n, path) not in _HAND:
        _HAND[(n, path)] = (STEPS / STEP_DIRS[n - 1] / "files" / path).read_text()
    return _HAND[(n, path)]


# ----------------------------------------------------------------------------- app/core
def config(n: int) -> str:
    if n < DB:
        return hand(2, "app/core/config.py")
    t = final("app/core/config.py")
    t = block(t, "    # Connection pool, per worker", "    # How long a SQLite writer", n, PG)
    t = block(t, "    # Mount /demo/*", "    def check_production_safety", n, DEMO)
    t = block(t, "    log_level: Annotated[", "\n    database_url", n, REQID, new="")
    t = block(t, "    secret_key: SecretStr", "    # Argon2id cost", n, LOGIN)
    t = block(t, "    def check_production_safety", "\n\n@lru_cache", n, LOGIN)
    t = block(t, "# The value shipped in `.env.example`", "\n\nclass Settings", n, LOGIN)
    t = block(t, "    # Argon2id cost", "\n\n", n, HASH) if n < HASH else t
    if n < REQID:
        t = cut(
            t,
            "from typing import Annotated, Literal\n",
            "from typing import Literal\n" if n >= LOGIN else "",
        )
        t = cut(t, "BeforeValidator, ", "")
    if n < LOGIN:
        t = cut(t, ", SecretStr", "")
    if n < HASH:
        t = cut(t, "import os\n", "")
    t = re.sub(r"\n{3,}    ", "\n\n    ", t)
    t = re.sub(r"\n\n\n\n+", "\n\n\n", t)
    t = t.replace("\n\n\n\n@lru_cache", "\n\n\n@lru_cache")
    t = re.sub(r"\n\n+\n@lru_cache", "\n\n\n@lru_cache", t)
    return t


def database(n: int) -> str:
    t = final("app/core/database.py")
    if "def autocommit_engine" in t:  # the read path's sessions, with read and list
        t = block(t, "\n\ndef autocommit_engine", None, n, LIST, new="\n")
    if n < PG and "class SessionSlots" in t:  # session slots, with the explicit pool
        end = "def autocommit_engine" if n >= LIST else None
        t = block(t, "class SessionSlots", end, n, PG)
        t = cut(
            t,
            "import asyncio\nfrom collections.abc import AsyncIterator\nfrom contextlib import asynccontextmanager\n",
            "",
        )
        t = cut(
            t,
            '"""Async engine, session factory and session slots; SQLite tuned for concurrent requests."""',
            '"""Async engine and session factory; SQLite tuned for concurrent requests."""',
        )
        t = t.rstrip("\n") + "\n"
    start = t.index("def create_engine")
    end = t.index("def _tune_sqlite")
    if n >= PG:
        return t
    hide = n >= REDACT
    body = '''def create_engine(settings: Settings) -> AsyncEngine:
    """Create the engine for `settings.database_url` (called once, in the lifespan)."""
    url = make_url(settings.database_url)
'''
    if hide:
        body += """    # Outside DEBUG, SQL parameters (emails, password hashes) stay out of errors and logs.
    engine = create_async_engine(url, hide_parameters=not settings.debug)
"""
    else:
        body += "    engine = create_async_engine(url)\n"
    body += """    if url.get_backend_name() == "sqlite":
        _tune_sqlite(engine, busy_timeout_ms=settings.sqlite_busy_timeout_ms)
    return engine


"""
    return t[:start] + body + t[end:]


def security(n: int) -> str:
    t = final("app/core/security.py")
    t = block(t, "    def hash_blocking", "    async def hash", n, DEMO)
    t = block(t, "\n\ndef decode_access_token", None, n, ME, new="\n")
    t = block(t, "    async def verify_dummy", "    def close", n, LOGIN)
    t = block(
        t, "        # Verified against when the email is unknown", "\n\n    ", n, LOGIN, new="\n"
    )
    t = block(t, "\n\ndef create_access_token", None, n, LOGIN, new="\n")
    if n < LOGIN:
        t = cut(
            t,
            '"""Password hashing off the event loop, and JWT access tokens."""',
            '"""Password hashing off the event loop."""',
        )
        t = cut(t, "import secrets\nimport uuid\n", "")
        t = cut(
            t,
            "from datetime import UTC, datetime, timedelta\nfrom typing import Any\n\nimport jwt\n",
            "\n",
        )
    t = re.sub(r"\n\n\n+    ", "\n\n    ", t)
    t = t.replace("        )\n\n    async def", "        )\n\n    async def")
    return t.rstrip("\n") + "\n"


def logging_(n: int) -> str:
    t = final("app/core/logging.py")
    if n >= REDACT:
        return t
    # Request ids only: the var, the filter, the stderr handler and configure_logging.
    head = '''"""Logging setup: request ids on every record."""

import contextvars
import logging
import sys
from typing import TextIO

# Set by the request-id middleware for the duration of one request.
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


'''
    rest = t[t.index("class RequestIdFilter") :]
    rest = block(rest, "class KeyValueFormatter", "class _StderrHandler", n, REDACT)
    rest = cut(
        rest,
        """    # Order matters: redact first, so that nothing later can see the raw values.
    handler.addFilter(RedactionFilter())
""",
        "",
    )
    rest = rcut(rest, r"        KeyValueFormatter\(", "        logging.Formatter(")
    # Redaction on uvicorn's own handlers arrives with the redaction step.
    rest = block(
        rest,
        "    # uvicorn writes through its own handlers",
        '    logging.getLogger("app")',
        n,
        REDACT,
    )
    return head + rest


# ----------------------------------------------------------------------------- app/api
def deps(n: int) -> str:
    t = final("app/api/deps.py")
    if "def get_read_session" in t:  # read-only sessions arrive with read and list
        t = block(t, "def get_post_reader", "# tokenUrl makes", n, LIST)
        t = block(t, "def get_read_session", "def get_hasher", n, LIST)
    t = block(t, "def get_post_service", "# tokenUrl makes", n, POSTS)
    t = block(t, "# tokenUrl makes", None, n, ME, new="")
    t = block(t, "def get_hasher", None, n, REGISTER, new="") if n < REGISTER else t
    t = block(t, "def get_settings", "async def get_session", n, LOGIN)
    rules = {
        "import jwt": ME,
        "from fastapi.security import OAuth2PasswordBearer": ME,
        "from app.core.config import Settings": LOGIN,
        "from app.models.user import User": ME,
        "from app.services.post_service import PostService": POSTS,
        "from app.services.user_service import UserService": REGISTER,
    }
    t = drop_lines(t, n, rules)
    t = sub(
        t,
        """    state = request.app.state
    # A slot first: it queues requests fairly, the pool does not (see SessionSlots).
    async with state.session_slots.take(), state.session_factory() as session:""",
        """    async with request.app.state.session_factory() as session:""",
        n,
        PG,
    )
    if "def get_read_session" in t:
        t = sub(
            t,
            """    state = request.app.state
    async with state.session_slots.take(), state.session_factory(bind=state.read_engine) as session:""",
            """    async with request.app.state.session_factory(bind=request.app.state.read_engine) as session:""",
            n,
            PG,
        )
    if n < ME:
        t = cut(
            t,
            "from fastapi import Depends, HTTPException, Request, status",
            "from fastapi import Depends, Request",
        )
        t = cut(
            t,
            "from app.core.security import PasswordHasher, decode_access_token",
            "from app.core.security import PasswordHasher",
        )
        t = cut(
            t,
            "Dependencies, named as types: `session: SessionDep`, `user: CurrentUser`.",
            "Dependencies, named as types: `session: SessionDep`.",
        )
    if n < REGISTER:
        t = cut(t, "from app.core.security import PasswordHasher\n", "")
        t = rcut(t, r"\n\nThey are all `async def`.*?\n\"\"\"", '"""')
    t = re.sub(r"\n{4,}", "\n\n\n", t)
    t = t.replace(
        "from sqlalchemy.ext.asyncio import AsyncSession\n\n\n\n",
        "from sqlalchemy.ext.asyncio import AsyncSession\n\n\n",
    )
    return t.rstrip("\n") + "\n"


def users(n: int) -> str:
    t = final("app/api/users.py")
    t = block(t, '\n\n@router.get("/me"', None, n, ME, new="\n")
    t = block(t, '\n\n@router.post("/login")', None, n, LOGIN, new="\n")
    if n < ME:
        t = cut(
            t,
            '"""User routes: register, log in, who am I, look up by public id."""',
            '"""User routes: register, log in."""'
            if n >= LOGIN
            else '"""User routes: register."""',
        )
        t = cut(t, "import uuid\n", "")
        t = cut(
            t,
            "from app.api.deps import CurrentUser, SettingsDep, UserServiceDep",
            "from app.api.deps import SettingsDep, UserServiceDep",
        )
    if n < LOGIN:
        t = cut(t, "from typing import Annotated\n\n", "")
        t = cut(
            t,
            "from fastapi import APIRouter, Depends, HTTPException, status\nfrom fastapi.security import OAuth2PasswordRequestForm\n",
            "from fastapi import APIRouter, HTTPException, status\n",
        )
        t = cut(
            t,
            "from app.api.deps import SettingsDep, UserServiceDep\nfrom app.core.security import create_access_token\n",
            "from app.api.deps import UserServiceDep\n",
        )
        t = cut(
            t,
            "from app.schemas.user import Token, UserCreate, UserPublic",
            "from app.schemas.user import UserCreate, UserPublic",
        )
    t = t.replace('"""\n\nfrom fastapi', '"""\n\nfrom fastapi')
    return t.rstrip("\n") + "\n"


def posts(n: int) -> str:
    t = final("app/api/posts.py")
    if n < LIST:
        t = t.replace("CurrentUser, PostReaderDep, PostServiceDep", "CurrentUser, PostServiceDep")
    t = block(t, '\n\n@router.patch("/{public_id}"', None, n, OWN, new="\n")
    t = block(t, "def _forbidden", "@router.post", n, OWN)
    t = block(t, '\n\n@router.get("", response_model=list[PostPublic])', None, n, LIST, new="\n")
    t = block(t, "MAX_PAGE_SIZE = 100\n\n\n", "@router.post", n, LIST)
    if n < OWN:
        t = cut(
            t,
            '"""Post routes: create, list, read, update and delete; only the author may change a post."""',
            '"""Post routes: create, list and read."""'
            if n >= LIST
            else '"""Post routes: create."""',
        )
        t = cut(
            t,
            "from app.schemas.post import PostCreate, PostPublic, PostUpdate",
            "from app.schemas.post import PostCreate, PostPublic",
        )
        t = cut(
            t,
            "from app.services.post_service import NotPostAuthorError, PostNotFoundError",
            "from app.services.post_service import PostNotFoundError",
        )
    if n < LIST:
        t = cut(
            t,
            "import uuid\nfrom collections.abc import Sequence\nfrom typing import Annotated\n\n",
            "",
        )
        t = cut(
            t,
            "from fastapi import APIRouter, HTTPException, Query, status",
            "from fastapi import APIRouter, status",
        )
        t = cut(t, "from app.services.post_service import PostNotFoundError\n", "")
    return t.rstrip("\n") + "\n"


def main(n: int) -> str:
    if n < DB:
        return hand(n, "app/main.py")
    t = final("app/main.py")
    t = sub(
        t,
        "from app.core.database import (\n    SessionSlots,\n    autocommit_engine,\n    create_engine,\n    create_session_factory,\n)",
        "from app.core.database import autocommit_engine, create_engine, create_session_factory",
        n,
        PG,
    )
    t = drop_lines(t, n, {"app.state.session_slots = ": PG})
    if "autocommit_engine" in t and n < LIST:
        t = cut(t, "import autocommit_engine, create_engine,", "import create_engine,")
        t = drop_lines(t, n, {"app.state.read_engine =": LIST})
    routers = ["health"] + (["users"] if n >= REGISTER else []) + (["posts"] if n >= POSTS else [])
    routers += ["demo"] if n >= DEMO else []
    t = cut(
        t,
        "from app.api import demo, health, posts, users",
        "from app.api import " + ", ".join(sorted(routers)),
    )
    t = drop_lines(
        t,
        n,
        {
            "from app.core.errors import": ERR500,
            "from app.core.logging import": REQID,
            "from app.core.request_id import": REQID,
            "from app.core.security import PasswordHasher": HASH,
            "settings.check_production_safety()": LOGIN,
            "configure_logging(settings.log_level)": REQID,
            "hasher = PasswordHasher(settings)": HASH,
            "app.state.hasher = hasher": HASH,
            "hasher.close()": HASH,
            "app.add_middleware(RequestIdMiddleware)": REQID,
            "register_exception_handlers(app)": ERR500,
            "app.include_router(users.router)": REGISTER,
            "app.include_router(posts.router)": POSTS,
            "if settings.demo_endpoints:": DEMO,
            "app.include_router(demo.router)": DEMO,
            "import gc": DEMO,
            "# Startup's ~96,000 objects": DEMO,
            "# full collection would scan them": DEMO,
            "# Frozen, the collector skips them": DEMO,
            "gc.freeze()": DEMO,
        },
    )
    t = sub(
        t,
        "Create the engine and the hashing pool at startup; release both at shutdown.",
        "Create the engine at startup; release it at shutdown.",
        n,
        HASH,
    )
    return t


def env_example(n: int) -> str:
    t = final(".env.example")
    if n < DB:
        pass
    sections = re.split(r"\n(?=# --- )", t)
    head, app_s, db_s, sec_s, hash_s, demo_s = sections
    if n < REQID:
        app_s = rcut(app_s, r"# Level of the app's own loggers.*?\nLOG_LEVEL=\w+\n", "")
    if n < LOGIN:
        app_s = cut(
            app_s,
            "# true = local development: allows the example SECRET_KEY below. Never true in production.",
            "# true = local development. Never true in production.",
        )
    if n < PG:
        db_s = rcut(db_s, r"# Milliseconds a SQLite writer.*?\nSQLITE_BUSY_TIMEOUT_MS=\d+\n", "")
        db_s = cut(db_s, "# --- Database (choose one) ---", "# --- Database ---")
        db_s = rcut(db_s, r"# PostgreSQL \(production ready\):.*$", "")
    out = [head, app_s]
    if n >= DB:
        out.append(db_s)
    if n >= LOGIN:
        out.append(sec_s)
    if n >= HASH:
        out.append(hash_s)
    if n >= DEMO:
        out.append(demo_s)
    return ("\n".join(s.rstrip("\n") + "\n" for s in out)).rstrip("\n") + "\n"


# ----------------------------------------------------------------------------- app: models, schemas, services
def models_init(n: int) -> str:
    t = final("app/models/__init__.py")
    if n < POSTMODEL:
        t = cut(t, "from app.models.post import Post\n", "")
        t = cut(t, '__all__ = ["Base", "Post", "User"]', '__all__ = ["Base", "User"]')
    return t


def schemas_user(n: int) -> str:
    t = final("app/schemas/user.py")
    return block(t, "\n\nclass Token(BaseModel)", None, n, LOGIN, new="\n")


def schemas_post(n: int) -> str:
    t = final("app/schemas/post.py")
    t = block(t, "class PostUpdate(BaseModel)", "class AuthorPublic", n, OWN)
    if n < OWN:
        t = cut(t, "from typing import Annotated, Self\n", "from typing import Annotated\n")
        t = cut(
            t,
            "from pydantic import BaseModel, ConfigDict, Field, model_validator",
            "from pydantic import BaseModel, ConfigDict, Field",
        )
    return t


def user_service(n: int) -> str:
    t = final("app/services/user_service.py")
    t = block(t, "    async def get_by_public_id", "    async def _release_connection", n, ME)
    if n < ME:
        t = cut(t, "import logging\nimport uuid\n", "import logging\n")
    return block(t, "\n\n    async def authenticate", None, n, LOGIN, new="\n")


def post_service(n: int) -> str:
    t = final("app/services/post_service.py")
    t = block(t, "\n\n    async def _get_own", None, n, OWN, new="\n")
    t = block(t, "class NotPostAuthorError", "def _posts_with_author", n, OWN)
    t = block(t, "\n\n    async def list(", None, n, LIST, new="\n")
    t = block(t, "class PostNotFoundError", "class PostService", n, LIST)
    if n < OWN:
        t = cut(
            t,
            '"""Creating, listing, reading, changing and deleting posts."""',
            '"""Creating, listing and reading posts."""' if n >= LIST else '"""Creating posts."""',
        )
        t = cut(
            t,
            "from app.schemas.post import PostCreate, PostUpdate",
            "from app.schemas.post import PostCreate",
        )
    if n < LIST:
        t = cut(t, "import uuid\nfrom collections.abc import Sequence\n", "")
        t = rcut(t, r"from sqlalchemy import [\w, ]*select\n", "")
        t = cut(t, "from sqlalchemy.orm import contains_eager\n", "")
    return t.rstrip("\n") + "\n"


# ----------------------------------------------------------------------------- tests
def conftest(n: int) -> str:
    if n < DB:
        return hand(n, "tests/conftest.py")
    t = final("tests/conftest.py")
    if n < MIGR:
        return hand(DB, "tests/conftest.py")
    if n < PG:
        t = rcut(
            t,
            r'^""".*?"""',
            '''"""Shared fixtures: a database built by the migrations, an app client with its lifespan running.

The suite runs on a temporary SQLite file. Each test starts from empty tables.
"""''',
        )
        t = cut(t, "import os\n", "")
        t = cut(
            t,
            '''    """TEST_DATABASE_URL, or a fresh SQLite file for this run."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return''',
            '''    """A fresh SQLite file for this run."""
    return''',
        )
    t = drop_lines(
        t,
        n,
        {
            "        log_level=": REQID,
            "        secret_key=": LOGIN,
            "        algorithm=": LOGIN,
            "        access_token_expire_minutes=": LOGIN,
            "        argon2_time_cost=": HASH,
            "        argon2_memory_cost=": HASH,
            "        argon2_parallelism=": HASH,
            "        hash_threads=": HASH,
            "        demo_endpoints=": DEMO,
        },
    )
    doc = '    """Settings for tests: the test database, a real secret, and very cheap password hashing."""'
    if n < LOGIN:
        t = cut(
            t,
            doc,
            '    """Settings for tests: the test database and very cheap password hashing."""'
            if n >= HASH
            else '    """Settings for tests: the test database."""',
        )
    t = block(t, "@pytest.fixture\ndef new_account(", None, n, ME, new="") if n < ME else t
    t = block(t, "@pytest.fixture\ndef login(", None, n, LOGIN, new="") if n < LOGIN else t
    t = block(t, "\n\n# --- accounts", None, n, REGISTER, new="\n") if n < REGISTER else t
    if n < REGISTER:
        t = cut(
            t,
            "from collections.abc import AsyncIterator, Awaitable, Callable\nfrom typing import Any\n",
            "from collections.abc import AsyncIterator\n",
        )
    names = ["lifespan_client", "run_alembic"]
    names += ["PASSWORD", "new_email"] if n >= REGISTER else []
    names += ["Account"] if n >= ME else []
    t = cut(
        t,
        "from tests.helpers import PASSWORD, Account, lifespan_client, new_email, run_alembic",
        "from tests.helpers import "
        + ", ".join(
            sorted(names, key=lambda s: (not s.isupper(), s.lower() if not s[0].isupper() else s))
        ),
    )
    return t.rstrip("\n") + "\n"


def helpers(n: int) -> str:
    t = final("tests/helpers.py")
    if n < MIGR:
        return hand(DB, "tests/helpers.py")
    t = block(t, "\n\n@dataclass(frozen=True)\nclass Account", "\n\ndef new_email", n, ME, new="")
    t = block(t, "\n\ndef new_email", None, n, REGISTER, new="\n")
    if n < ME:
        t = cut(t, "from dataclasses import dataclass\n", "")
    if n < REGISTER:
        t = cut(t, "import uuid\n", "")
        t = cut(t, 'PASSWORD = "correct-horse-battery"\n', "")
    if n < REQID:
        t = cut(
            t,
            """async def lifespan_client(
    app: FastAPI, *, raise_app_exceptions: bool = True
) -> AsyncIterator[AsyncClient]:""",
            "async def lifespan_client(app: FastAPI) -> AsyncIterator[AsyncClient]:",
        )
        t = cut(
            t,
            "transport = ASGITransport(app=manager.app, raise_app_exceptions=raise_app_exceptions)",
            "transport = ASGITransport(app=manager.app)",
        )
    return t.rstrip("\n") + "\n"


def test_config(n: int) -> str:
    if n < DB:
        return hand(2, "tests/test_config.py")
    t = final("tests/test_config.py")
    if n < REQID:
        t = cut(t, "\\nLOG_LEVEL=debug\\n", "\\n")
        t = cut(t, '    assert settings.log_level == "DEBUG"\n', "")
    t = block(t, "def test_the_example_env_file_is_valid", "def test_the_secret_key", n, LOGIN)
    t = block(t, "\n\ndef test_the_secret_key_never_shows", None, n, LOGIN, new="\n")
    if n < LOGIN:
        t = cut(
            t,
            '"""Settings: read from the environment, and refuse the example secret outside DEBUG."""',
            '"""Settings: read from the environment and from a .env file."""',
        )
        t = cut(t, "from pydantic import SecretStr\n\n", "\n")
        t = rcut(
            t,
            r"from app\.core\.config import DEFAULT_SECRET_KEY, Settings\n.*?from tests\.helpers import [^\n]*\n",
            "from app.core.config import Settings\n",
        )
    return t.rstrip("\n") + "\n"


def test_database(n: int) -> str:
    t = final("tests/test_database.py")
    if "async def test_requests_wait_for_a_session_slot" in t and n < PG:
        t = block(t, "\n\nasync def test_requests_wait_for_a_session_slot", None, n, PG, new="\n")
        t = cut(t, "import asyncio\n\n", "")
        t = cut(t, "from sqlalchemy.pool import QueuePool, StaticPool\n", "")
        t = cut(
            t,
            "from app.core.database import create_engine\nfrom app.main import create_app\nfrom tests.helpers import lifespan_client\n",
            "",
        )
        t = cut(
            t,
            '"""The engine: one session factory, SQLite set up for concurrency, fair session slots."""',
            '"""The engine: one session factory, and SQLite set up for concurrency on every connection."""',
        )
    if "async def test_read_sessions_do_not_open_transactions" in t:
        t = block(
            t, "\n\nasync def test_read_sessions_do_not_open_transactions", None, n, LIST, new="\n"
        )
    return t.rstrip("\n") + "\n"


def test_register(n: int) -> str:
    t = final("tests/test_register.py")
    return sub(
        t,
        """    # The error body does not echo the passwords back.
    assert "demo12" not in response.text
""",
        "",
        n,
        ERR500,
    )


def test_concurrency(n: int) -> str:
    t = final("tests/test_concurrency.py")
    if n >= LIST:
        return t
    t = t[: t.index("\n\nasync def test_performance_demo")] + "\n"
    t = cut(t, "import time\n", "")
    if n >= POSTS:
        return cut(
            t,
            '"""Concurrent requests: races on unique emails, many writers on SQLite, the performance demo."""',
            '"""Concurrent requests: races on unique emails, many writers on SQLite."""',
        )
    t = t[: t.index("\n\nasync def test_200_concurrent_posts")] + "\n"
    t = cut(
        t,
        '"""Concurrent requests: races on unique emails, many writers on SQLite, the performance demo."""',
        '"""Concurrent requests: racing registrations of one email."""',
    )
    t = cut(t, "from collections.abc import Awaitable, Callable\n", "")
    t = cut(t, "from fastapi import FastAPI\n", "")
    t = cut(
        t,
        "from sqlalchemy import func, select\n\nfrom app.models.post import Post\nfrom tests.helpers import PASSWORD, Account\n\nNewAccount = Callable[[], Awaitable[Account]]\n",
        "\nfrom tests.helpers import PASSWORD\n",
    )
    return t


def test_auth(n: int) -> str:
    t = final("tests/test_auth.py")
    if n >= ME:
        return t
    # Login only: keep the tests up to test_login_needs_both_form_fields.
    t = t[: t.index("\n\nasync def test_me_returns_the_logged_in_user")] + "\n"
    t = cut(
        t,
        '"""POST /users/login, GET /users/me, and attacks on the JWT."""',
        '"""POST /users/login."""',
    )
    t = rcut(t, r"\ndef _bearer\(token: str\).*?\n\n\n(?=async def test_login_returns)", "\n")
    t = cut(t, "import base64\nimport json\nimport uuid\n", "")
    t = cut(t, "from datetime import UTC, datetime, timedelta\n", "")
    t = cut(t, "from sqlalchemy import delete\n", "")
    t = cut(t, "from app.models.user import User\n", "")
    t = cut(
        t, "from tests.helpers import PASSWORD, Account\n", "from tests.helpers import PASSWORD\n"
    )
    t = cut(t, "NewAccount = Callable[[], Awaitable[Account]]\n", "")
    return t.rstrip("\n") + "\n"


def test_errors(n: int) -> str:
    t = final("tests/test_errors.py")
    t = sub(t, '    assert "hunter2" not in record.exc_text\n', "", n, REDACT)
    if n >= ERR500:
        return t
    t = block(t, "class Boom(Exception)", "async def test_the_request_id_is_echoed", n, ERR500)
    t = block(t, "\n\nasync def test_http_errors_keep_their_message", None, n, ERR500, new="\n")
    t = cut(
        t,
        '"""Error handling: generic 500 bodies, request ids, stack traces only in the log."""',
        '"""Request ids: echoed when safe, made when absent."""',
    )
    t = cut(t, "import logging\n", "")
    t = cut(t, "from collections.abc import AsyncIterator\n\n", "\n")
    t = cut(t, "from fastapi import FastAPI\n", "")
    t = cut(t, "\nfrom tests.helpers import lifespan_client\n", "")
    return t.rstrip("\n") + "\n"


def test_posts(n: int) -> str:
    t = final("tests/test_posts.py")
    if n >= OWN:
        return t
    fk_start = t.index("async def test_posts_reference_users_by_integer_id")
    if n < POSTS:
        body = t[fk_start:]
        return (
            '"""The posts table: a foreign key on users.id, enforced by the database."""\n\n'
            "import uuid\nfrom typing import Any\n\nimport pytest\nfrom fastapi import FastAPI\n"
            "from httpx import AsyncClient\nfrom sqlalchemy import Connection, inspect, text\n"
            "from sqlalchemy.exc import IntegrityError\nfrom sqlalchemy.ext.asyncio import AsyncEngine\n\n\n"
            + body
        )
    own = t.index("async def test_the_author_updates_some_fields")
    t = t[:own] + t[fk_start:]
    if n < LIST:
        t = block(
            t,
            "async def test_read_a_post",
            "async def test_posts_reference_users_by_integer_id",
            n,
            LIST,
        )
        t = cut(
            t,
            "from collections.abc import Awaitable, Callable, Iterator\n",
            "from collections.abc import Awaitable, Callable\n",
        )
        t = cut(
            t,
            "from sqlalchemy import Connection, event, inspect, text",
            "from sqlalchemy import Connection, inspect, text",
        )
    t = cut(
        t,
        '"""The posts API: create, list, read, update, delete; only the author may change a post."""',
        '"""The posts API: create, list and read."""'
        if n >= LIST
        else '"""The posts API: create."""',
    )
    return t


def test_demo(n: int) -> str:
    return final("tests/test_demo_endpoints.py")


# ----------------------------------------------------------------------------- the workspace at step n
def workspace(n: int) -> dict[str, str]:
    w: dict[str, str] = {}

    def at(step: int, path: str, fn=None) -> None:
        if n >= step:
            w[path] = fn(n) if fn else final(path)

    at(1, "app/__init__.py")
    w["app/main.py"] = main(n)
    at(1, "tests/__init__.py")
    w["tests/conftest.py"] = conftest(n)
    w["pytest.ini"] = hand(1, "pytest.ini") if n < MIGR else final("pytest.ini")
    w["tests/test_health.py"] = (
        hand(1, "tests/test_health.py") if n < DB else final("tests/test_health.py")
    )
    if n >= 2:
        at(2, "app/core/__init__.py")
        at(2, "app/api/__init__.py")
        w["app/core/config.py"] = config(n)
        w["app/api/health.py"] = (
            hand(2, "app/api/health.py") if n < DB else final("app/api/health.py")
        )
        w[".env.example"] = hand(2, ".env.example") if n < DB else env_example(n)
        w["tests/test_config.py"] = test_config(n)
    at(DB, "app/core/database.py", database)
    at(DB, "app/api/deps.py", deps)
    at(DB, "tests/helpers.py", helpers)
    at(DB, "tests/test_database.py", test_database)
    at(MODEL, "app/models/__init__.py", models_init)
    at(MODEL, "app/models/base.py")
    at(MODEL, "app/models/user.py")
    for p in [
        "alembic.ini",
        "app/alembic/env.py",
        "app/alembic/script.py.mako",
        "app/alembic/versions/0001_users.py",
        "tests/test_migrations.py",
    ]:
        at(MIGR, p)
    at(HASH, "app/core/security.py", security)
    at(SCHEMAS, "app/schemas/__init__.py")
    at(SCHEMAS, "app/schemas/common.py")
    at(SCHEMAS, "app/schemas/user.py", schemas_user)
    at(SERVICE, "app/services/__init__.py")
    at(SERVICE, "app/services/user_service.py", user_service)
    at(REGISTER, "app/api/users.py", users)
    at(REGISTER, "tests/test_register.py", test_register)
    at(REGISTER, "tests/test_concurrency.py", test_concurrency)
    at(LOGIN, "tests/test_auth.py", test_auth)
    at(ME, "tests/test_users.py")
    at(REQID, "app/core/logging.py", logging_)
    at(REQID, "app/core/request_id.py")
    at(REQID, "tests/test_errors.py", test_errors)
    at(ERR500, "app/core/errors.py")
    at(REDACT, "tests/test_logging.py")
    at(POSTMODEL, "app/models/post.py")
    at(POSTMODEL, "app/alembic/versions/0002_posts.py")
    at(POSTMODEL, "tests/test_posts.py", test_posts)
    at(POSTS, "app/schemas/post.py", schemas_post)
    at(POSTS, "app/services/post_service.py", post_service)
    at(POSTS, "app/api/posts.py", posts)
    at(OWN, "tests/test_identifiers.py")
    at(DEMO, "app/api/demo.py")
    at(DEMO, "tests/test_demo_endpoints.py")
    at(DEMO, "tests/test_startup.py")
    return w


def reference() -> dict[str, str]:
    return {path: final(path) for path in reference_paths()}


_FORMAT_CACHE: dict[str, str] = {}


def fmt(path: str, text: str) -> str:
    """ruff format a generated Python file (carving leaves odd blank lines)."""
    if not path.endswith(".py"):
        return text
    if text not in _FORMAT_CACHE:
        result = subprocess.run(
            [
                str(ROOT / ".venv/bin/ruff"),
                "format",
                "--config",
                str(ROOT / "pyproject.toml"),
                "--stdin-filename",
                path,
                "-",
            ],
            input=text,
            capture_output=True,
            text=True,
            check=True,
        )
        _FORMAT_CACHE[text] = result.stdout
    return _FORMAT_CACHE[text]


def write() -> None:
    """Rewrite every step's files/ (and its `tests` list) from the reference app."""
    for n, paths in HAND_WRITTEN.items():
        for path in paths:
            hand(n, path)  # read them all before anything is rewritten
    previous: dict[str, str] = {}
    for n in range(1, LAST + 1):
        w = {path: fmt(path, text) for path, text in workspace(n).items()}
        name = STEP_DIRS[n - 1]
        files = STEPS / name / "files"
        if files.exists():
            shutil.rmtree(files)  # hand-written files were read above and are written back
        for path, text in w.items():
            if previous.get(path) != text:
                target = files / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text)
        gone = sorted(set(previous) - set(w))
        if gone:
            raise SystemExit(f"step {n} deletes {gone}: add `delete` by hand")
        previous = w
        tests = sorted(
            p for p in w if p.startswith("tests/") and p.rsplit("/", 1)[-1].startswith("test_")
        )
        manifest = STEPS / name / "step.toml"
        text = manifest.read_text()
        if len(tests) <= 3:
            listed = "tests = [" + ", ".join(f'"{t}"' for t in tests) + "]"
        else:
            listed = "tests = [\n" + "".join(f'    "{t}",\n' for t in tests) + "]"
        text = re.sub(
            r"^tests = \[.*?\]",
            lambda _match, listed=listed: listed,
            text,
            count=1,
            flags=re.S | re.M,
        )
        manifest.write_text(text)
    ref = reference()
    missing = sorted(set(ref) ^ set(previous))
    differ = sorted(p for p in set(ref) & set(previous) if ref[p] != previous[p])
    if missing or differ:
        raise SystemExit(f"the last step is not the reference app: {missing + differ}")
    print(f"{LAST} steps written; the last one is the reference app")  # noqa: T201 - a script's report


if __name__ == "__main__":
    write()
