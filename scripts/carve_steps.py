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
OPENAPI = SCHEMAS  # the error bodies documented, with the other schemas
INDEX = POSTMODEL  # posts.created_at, which the list will sort by
FREEZE = OWN  # gc.freeze() of startup's objects
RATE_LIMIT = ME  # login attempts per client address, once logins exist
PUBLIC_PROFILE = POSTMODEL  # GET /users/{public_id}: who wrote this post?
HEALTH_TIMEOUT = MODEL  # /health answers 503 in time even when the database hangs
SESSION_DEP = MODEL  # the request's session, with the first model that needs one


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
def drop_defs(text: str, n: int, rules: dict[str, int]) -> str:
    """Drop each top-level block (with its decorators and comments) whose first line starts with a
    key, when n is earlier than the key's step. Blocks are what two blank lines separate."""
    chunks = text.split("\n\n\n")

    def head(chunk: str) -> str:
        # The first line at column 0 that is not a decorator, a comment or a closing bracket.
        for line in chunk.split("\n"):
            if line and line[0] not in "@#)] \t":
                return line.removeprefix("async ")
        return ""

    for key in rules:
        if not any(head(c).startswith(key) for c in chunks):
            raise SystemExit(f"drop_defs: no block starts with {key!r}")
    kept = [c for c in chunks if not any(head(c).startswith(k) and n < s for k, s in rules.items())]
    return "\n\n\n".join(kept).rstrip("\n") + "\n"


def config(n: int) -> str:
    if n < DB:
        return hand(2, "app/core/config.py")
    t = final("app/core/config.py")
    t = block(t, "    # Connection pool, per worker", "    # How long a SQLite writer", n, PG)
    t = block(t, "    # Mount /demo/*", "    def check_secret_key", n, ERR500)
    t = block(t, "    log_level: Annotated[", "    # Requests whose body is larger", n, REQID)
    t = block(
        t, "    # Requests whose body is larger", "    # Host headers the app answers", n, POSTS
    )
    t = block(t, "    # Host headers the app answers", "    # Browser origins allowed", n, REQID)
    t = block(t, "    # Browser origins allowed", "\n    database_url", n, ERR500, new="")
    t = (
        block(t, "    # Login attempts per client", "\n\n", n, RATE_LIMIT, new="\n")
        if n < RATE_LIMIT
        else t
    )
    t = block(t, "    secret_key: SecretStr", "    # Argon2id cost", n, LOGIN)
    t = block(t, "    def check_secret_key", "\n\n@lru_cache", n, LOGIN)
    t = block(t, "# Keys published in examples", "\n\nclass Settings", n, LOGIN)
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
    t = re.sub(r"\n\n+\n@lru_cache", "\n\n\n@lru_cache", t)
    return t


def database(n: int) -> str:
    t = final("app/core/database.py")
    if n >= PG:
        return t
    start = t.index("def create_engine")
    end = t.index("def _tune_sqlite")
    body = '''def create_engine(settings: Settings) -> AsyncEngine:
    """Create the engine for `settings.database_url` (called once, in the lifespan)."""
    url = make_url(settings.database_url)
'''
    if n >= ERR500:
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


def tuning(n: int) -> str:
    t = final("app/core/tuning.py")
    if n < PG:
        t = block(t, "SLOT = ", None, n, PG, new="")
        t = cut(
            t,
            "- Session slots: requests admitted to the connection pool first come, first served.\n",
            "",
        )
    if n < FREEZE:
        t = drop_defs(t, n, {"def freeze_startup_objects": FREEZE})
        t = cut(t, "- `gc.freeze()` of what startup leaves behind.\n", "")
    return t.rstrip("\n") + "\n"


def state(n: int) -> str:
    t = final("app/core/state.py")
    t = drop_lines(
        t,
        n,
        {
            "from sqlalchemy.ext.asyncio import": DB,
            "from app.core.rate_limit import": RATE_LIMIT,
            "from app.core.security import": HASH,
            "from app.core.tuning import": PG,
            "    engine: AsyncEngine": DB,
            "    session_factory: async_sessionmaker": DB,
            "    hasher: PasswordHasher": HASH,
            "    login_limiter: LoginRateLimiter": RATE_LIMIT,
            "    session_slots: SessionSlots": PG,
        },
    )
    return t


def security(n: int) -> str:
    t = final("app/core/security.py")
    t = block(t, "    def hash_blocking", "    async def _run", n, DEMO)
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
        t = cut(t, "import secrets\n", "")
        t = cut(t, "import uuid\n", "")
        t = cut(t, "from datetime import UTC, datetime, timedelta\n", "")
        t = cut(
            t, "from typing import Any, TypeVar\n\nimport jwt\n", "from typing import TypeVar\n\n"
        )
    t = re.sub(r"\n\n\n+    ", "\n\n    ", t)
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
    rest = block(
        rest,
        "    # uvicorn writes through its own handlers",
        '    logging.getLogger("app")',
        n,
        REDACT,
    )
    return head + rest


def headers(n: int) -> str:
    return final("app/core/headers.py")


def errors(n: int) -> str:
    return final("app/core/errors.py")


# ----------------------------------------------------------------------------- app/api
def deps(n: int) -> str:
    t = final("app/api/deps.py")
    t = drop_defs(
        t,
        n,
        {
            "def get_read_session": LIST,
            "ReadSessionDep =": LIST,
            "def get_post_reader": LIST,
            "PostReaderDep =": LIST,
            "def get_post_service": POSTS,
            "PostServiceDep =": POSTS,
            "def limit_login_attempts": RATE_LIMIT,
            "oauth2_scheme =": ME,
            "def get_current_user": ME,
            "CurrentUser =": ME,
            "def get_hasher": HASH,
            "HasherDep =": HASH,
            "def get_user_service": REGISTER,
            "UserServiceDep =": REGISTER,
            "def get_settings": HASH,
            "SettingsDep =": HASH,
        },
    )
    if n < PG:
        t = cut(
            t,
            """    state = app_state(request.app)
    # A slot first: it queues requests fairly, the pool does not (see SessionSlots).
    async with (
        state.session_slots.take() as give_back,
        state.session_factory(info={SLOT: give_back}) as session,
    ):
        yield session""",
            """    async with app_state(request.app).session_factory() as session:
        yield session""",
        )
    if n < LIST:
        t = cut(
            t,
            '''    """The request's one session, closed after the response (services commit before it).

    FastAPI resolves a dependency once per request, so every dependency that asks for a session
    gets this same one.
    """''',
            '''    """One session per request, closed after the response (services commit before it)."""''',
        )
    if n < ME:
        t = cut(
            t,
            "Dependencies, named as types: `session: SessionDep`, `user: CurrentUser`.",
            "Dependencies, named as types: `session: SessionDep`.",
        )
    if n < REGISTER:
        t = rcut(t, r"\n\nThey are all `async def`.*?\n\"\"\"", '"""')
    return t


def users(n: int) -> str:
    t = final("app/api/users.py")
    t = block(t, '\n\n@router.get("/{public_id}"', None, n, PUBLIC_PROFILE, new="\n")
    t = block(t, '\n\n@router.get("/me"', None, n, ME, new="\n")
    t = block(t, '\n\n@router.post(\n    "/login"', None, n, LOGIN, new="\n")
    if LOGIN <= n < ERR500:  # no-store arrives with the other response headers
        t = cut(
            t,
            "    settings: SettingsDep,\n    response: Response,\n",
            "    settings: SettingsDep,\n",
        )
        t = cut(
            t,
            '    response.headers["Cache-Control"] = "no-store"  # a token must not sit in any cache\n',
            "",
        )
    if LOGIN <= n < RATE_LIMIT:
        t = cut(
            t,
            '    "/login", dependencies=[Depends(limit_login_attempts)], responses=errors(401, 413, 429, 503)\n',
            '    "/login", responses=errors(401, 413, 503)\n',
        )
    if n < POSTS:  # the body limit arrives with the first large bodies
        t = t.replace("errors(400, 413, 503)", "errors(400, 503)").replace(
            "errors(401, 413, 503)", "errors(401, 503)"
        )
    if n < ERR500:  # 503 when hashing is full: with the other answers a client can act on
        t = drop_defs(t, n, {"def _busy": ERR500})
        if n >= LOGIN:
            t = cut(
                t,
                """    try:
        user = await users.authenticate(form.username, form.password)
    except HashingBusyError:
        raise _busy() from None
""",
                "    user = await users.authenticate(form.username, form.password)\n",
            )
        t = cut(t, "    except HashingBusyError:\n        raise _busy() from None\n", "")
        t = t.replace(", 503)", ")")
    docstring = '"""User routes: register, log in, who am I, look up by public id."""'
    if ME <= n < PUBLIC_PROFILE:
        t = cut(t, docstring, '"""User routes: register, log in, who am I."""')
    if n < LOGIN:
        t = cut(t, docstring, '"""User routes: register."""')
    elif n < ME:
        t = cut(t, docstring, '"""User routes: register, log in."""')
    return t


def posts(n: int) -> str:
    t = final("app/api/posts.py")
    if n < LIST:
        t = t.replace("CurrentUser, PostReaderDep, PostServiceDep", "CurrentUser, PostServiceDep")
    t = (
        drop_defs(
            t,
            n,
            {
                '@router.patch("/{public_id}"': OWN,
                "@router.delete(": OWN,
                "def _forbidden": OWN,
                '@router.get("", response_model=list[PostPublic])': LIST,
                '@router.get("/{public_id}"': LIST,
                "def _not_found": LIST,
            },
        )
        if False
        else t
    )
    t = block(t, '\n\n@router.patch("/{public_id}"', None, n, OWN, new="\n")
    t = block(t, "def _forbidden", "@router.post", n, OWN)
    t = block(t, '\n\n@router.get("", response_model=list[PostPublic])', None, n, LIST, new="\n")
    t = block(t, "MAX_PAGE_SIZE = 100\n", "@router.post", n, LIST)
    if n < OWN:
        t = cut(
            t,
            '"""Post routes: create, list, read, update and delete; only the author may change a post."""',
            '"""Post routes: create, list and read."""'
            if n >= LIST
            else '"""Post routes: create."""',
        )
    return t.rstrip("\n") + "\n"


def health(n: int) -> str:
    if n < DB:
        return hand(2, "app/api/health.py")
    t = final("app/api/health.py")
    if n >= HEALTH_TIMEOUT:
        return t
    t = cut(
        t,
        """# A database that does not answer within this is unavailable: probes time out at a few seconds.
DATABASE_CHECK_SECONDS = 1.0
_abandoned: set[asyncio.Future[None]] = set()
""",
        "",
    )
    t = drop_defs(t, n, {"def _ping": HEALTH_TIMEOUT})
    start = t.index(
        '    """Answer 200 when the database answers a trivial query in time, 503 otherwise."""'
    )
    t = (
        t[:start]
        + '''    """Answer 200 when the database answers a trivial query, 503 otherwise."""
    try:
        async with app_state(request.app).engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError):
        logger.warning("health.database_unavailable", exc_info=True)
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return Health(status="error", database="unavailable")
    return Health(status="ok", database="ok")
'''
    )
    t = cut(t, "import asyncio\n", "")
    if n < REQID:  # logging arrives with request ids
        t = drop_lines(
            t,
            n,
            {
                "import logging": REQID,
                'logger = logging.getLogger("app.health")': REQID,
                'logger.warning("health.database_unavailable"': REQID,
            },
        )
    return t


def demo(n: int) -> str:
    t = final("app/api/demo.py")
    if n >= DEMO:
        return t
    t = drop_defs(
        t,
        n,
        {
            "Millis = ": DEMO,
            "class DemoResult": DEMO,
            "def _result": DEMO,
            "def async_sleep": DEMO,
            "def blocking_sleep": DEMO,
            "def sync_sleep": DEMO,
            "def hash_on_loop": DEMO,
            "def hash_off_loop": DEMO,
        },
    )
    t = rcut(
        t,
        r'^""".*?"""',
        '''"""Endpoints that misbehave on purpose, for the talk. Mounted only when DEMO_ENDPOINTS=true.

/demo/fail raises, to show the generic 500 (step 18 adds the "why async" endpoints).
"""''',
    )
    return t


def responses(n: int) -> str:
    t = final("app/api/responses.py")
    return t


def main(n: int) -> str:
    if n < DB:
        return hand(n, "app/main.py")
    t = final("app/main.py")
    routers = ["health"] + (["users"] if n >= REGISTER else []) + (["posts"] if n >= POSTS else [])
    routers += ["demo"] if n >= ERR500 else []
    t = cut(
        t,
        "from app.api import demo, health, posts, users",
        "from app.api import " + ", ".join(sorted(routers)),
    )
    if n < POSTS:
        t = cut(
            t,
            """    app = FastAPI(
        title=settings.app_name,
        version=settings.version,
        lifespan=lifespan,
        max_body_size=settings.max_body_bytes,  # larger bodies get 413, unread
    )""",
            "    app = FastAPI(title=settings.app_name, version=settings.version, lifespan=lifespan)",
        )
    t = drop_lines(t, n, {"settings.check_secret_key()": LOGIN})
    if n < ERR500:
        t = cut(
            t,
            """    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )
""",
            "",
        )
    t = drop_lines(
        t,
        n,
        {
            "from fastapi.middleware.cors import": ERR500,
            "from fastapi.middleware.trustedhost import": REQID,
            "from app.core.errors import": ERR500,
            "from app.core.logging import": REQID,
            "from app.core.rate_limit import": RATE_LIMIT,
            "from app.core.request_id import": REQID,
            "from app.core.security import PasswordHasher": HASH,
            "from app.core.tuning import": FREEZE,
            "configure_logging(settings.log_level)": REQID,
            "hasher = PasswordHasher(settings)": HASH,
            "state.hasher = hasher": HASH,
            "state.login_limiter = ": RATE_LIMIT,
            "state.session_slots = ": PG,
            "freeze_startup_objects()": FREEZE,
            "hasher.close()": HASH,
            "app.add_middleware(TrustedHostMiddleware": REQID,
            "app.add_middleware(RequestIdMiddleware)": REQID,
            "register_exception_handlers(app)": ERR500,
            "app.include_router(users.router)": REGISTER,
            "app.include_router(posts.router)": POSTS,
            "if settings.demo_endpoints:": ERR500,
            "app.include_router(demo.router)": ERR500,
        },
    )
    if FREEZE <= n < PG:
        t = cut(
            t,
            "from app.core.tuning import SessionSlots, freeze_startup_objects",
            "from app.core.tuning import freeze_startup_objects",
        )
    t = sub(
        t,
        "Create the engine and the hashing pool at startup; release both at shutdown.",
        "Create the engine at startup; release it at shutdown.",
        n,
        HASH,
    )
    t = re.sub(r"\n\n\n\n+", "\n\n\n", t)
    return t


def env_example(n: int) -> str:
    t = final(".env.example")
    sections = re.split(r"\n(?=# --- )", t)
    head, app_s, db_s, sec_s, hash_s, demo_s = sections
    if n < ERR500:
        app_s = rcut(app_s, r"# Browser origins allowed.*?\nCORS_ORIGINS='\[\]'\n", "")
    if n < REQID:
        app_s = rcut(app_s, r"# Level of the app's own loggers.*?\nLOG_LEVEL=\w+\n", "")
        app_s = rcut(app_s, r"# Host headers the app answers.*?\nALLOWED_HOSTS='[^']*'\n", "")
    if n < POSTS:
        app_s = rcut(app_s, r"# Requests with a larger body.*?\nMAX_BODY_BYTES=\d+\n", "")
    if n < LOGIN:
        app_s = cut(
            app_s,
            "# true = local development: allows a short SECRET_KEY. Never true in production.",
            "# true = local development. Never true in production.",
        )
    if n < RATE_LIMIT:
        sec_s = rcut(sec_s, r"# Login attempts per client.*?\nLOGIN_RATE_LIMIT=\S+\n", "")
    if n < PG:
        busy = re.search(
            r"# Milliseconds a SQLite writer.*?\nSQLITE_BUSY_TIMEOUT_MS=\d+\n", db_s, re.S
        )
        assert busy is not None
        db_s = rcut(db_s, r"# Milliseconds a SQLite writer.*?\nSQLITE_BUSY_TIMEOUT_MS=\d+\n", "")
        db_s = rcut(db_s, r"# PostgreSQL \(production ready\):.*$", "")
        db_s = db_s.rstrip("\n") + "\n" + busy.group(0)
    out = [head, app_s]
    if n >= DB:
        out.append(db_s)
    if n >= LOGIN:
        out.append(sec_s)
    if n >= HASH:
        out.append(hash_s)
    if n >= ERR500:
        out.append(demo_s)
    return ("\n".join(s.rstrip("\n") + "\n" for s in out)).rstrip("\n") + "\n"


# ----------------------------------------------------------------------------- app: models, schemas, services
def models_init(n: int) -> str:
    t = final("app/models/__init__.py")
    if n < POSTMODEL:
        t = cut(t, "from app.models.post import Post\n", "")
        t = cut(t, '__all__ = ["Base", "Post", "User"]', '__all__ = ["Base", "User"]')
    return t


def post_model(n: int) -> str:
    t = final("app/models/post.py")
    if n < INDEX:
        t = cut(
            t,
            """    # The list reads newest first: without it, each page sorts the whole table.
    __table_args__ = (Index("ix_posts_created_at", "created_at"),)
""",
            "",
        )
        t = cut(
            t,
            "from sqlalchemy import ForeignKey, Index, String, Text",
            "from sqlalchemy import ForeignKey, String, Text",
        )
    return t


def schemas_user(n: int) -> str:
    t = final("app/schemas/user.py")
    return t


def schemas_post(n: int) -> str:
    t = final("app/schemas/post.py")
    t = drop_defs(t, n, {"class PostUpdate": OWN})
    return t


def user_service(n: int) -> str:
    t = final("app/services/user_service.py")
    t = drop_defs(t, n, {"def authenticate": LOGIN, "def get_by_public_id": ME}) if False else t
    t = block(t, "    async def get_by_public_id", "    @asynccontextmanager", n, ME)
    t = block(t, "\n\n    async def authenticate", None, n, LOGIN, new="\n")
    if n < PG:
        t = cut(
            t,
            """        await self.session.commit()
        give_back_slot(self.session)
        yield""",
            """        await self.session.commit()
        yield""",
        )
        t = cut(
            t,
            "        The request's session slot goes to other requests too (see SessionSlots).\n",
            "",
        )
    return t.rstrip("\n") + "\n"


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
        t = cut(t, "from sqlalchemy.orm.exc import StaleDataError\n", "")
    if n < LIST:
        t = cut(t, "import uuid\nfrom collections.abc import Sequence\n", "")
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
        t = cut(
            t,
            '''    """TEST_DATABASE_URL (a test database, created if missing), or a fresh SQLite file."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return check_test_database(url)
    return''',
            '''    """A fresh SQLite file for this run."""
    return''',
        )
        t = cut(t, "    await create_database_if_missing(database_url)\n", "")
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
            "        hash_queue_size=": HASH,
            "        allowed_hosts=": REQID,
            "        login_rate_limit=": RATE_LIMIT,
            "        demo_endpoints=": ERR500,
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
    t = drop_defs(t, n, {"def new_account(": ME, "def login(": LOGIN, "def register(": REGISTER})
    if n < REGISTER:
        t = cut(
            t,
            "\n\n\n# --- accounts -----------------------------------------------------------------------------\n",
            "\n",
        )
    return t.rstrip("\n") + "\n"


def helpers(n: int) -> str:
    t = final("tests/helpers.py")
    if n < MIGR:
        return hand(DB, "tests/helpers.py")
    t = (
        drop_defs(
            t,
            n,
            {
                "class Account": ME,
                "def new_email": REGISTER,
                "TEST_DATABASE_SUFFIX =": PG,
                "def check_test_database": PG,
                "def create_database_if_missing": PG,
                "class TcpProxy": PG,
                "@contextlib.contextmanager\ndef blackhole": PG,
            },
        )
        if False
        else t
    )
    rules = {
        "class Account": ME,
        "def new_email": REGISTER,
        "# The suite empties every table": PG,
        "def check_test_database": PG,
        "def create_database_if_missing": PG,
        "class TcpProxy": PG,
        "def blackhole": HEALTH_TIMEOUT,  # steps 3-4 use the hand-written helpers, which have it
    }
    chunks = t.split("\n\n\n")
    kept = []
    for chunk in chunks:
        lines = [line for line in chunk.split("\n") if line and not line.startswith("@")]
        first = lines[0].removeprefix("async ") if lines else ""
        if any(first.startswith(key) and n < step for key, step in rules.items()):
            continue
        kept.append(chunk)
    t = "\n\n\n".join(kept)
    if n < REGISTER:
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
    t = drop_defs(
        t,
        n,
        {
            "def _example_settings": LOGIN,
            "def test_the_example_env_file_is_valid": LOGIN,
            "def test_the_example_env_file_is_safe": LOGIN,
            "def test_the_secret_key_never_shows": LOGIN,
            "UNSAFE_KEYS =": LOGIN,
            "def test_app_refuses_to_start": LOGIN,
            "def test_a_key_of_32_bytes_starts": LOGIN,
            "def test_debug_allows_a_short": LOGIN,
        },
    )
    if n < LOGIN:
        t = cut(
            t,
            '"""Settings: read from the environment, and refuse a guessable secret outside DEBUG."""',
            '"""Settings: read from the environment and from a .env file."""',
        )
    return t


def test_database(n: int) -> str:
    t = final("tests/test_database.py")
    t = drop_defs(
        t,
        n,
        {
            "def test_sessions_keep_attributes_after_commit": MIGR,
            "def sql_log": LIST,
            "def _transactions": LIST,
            "def test_a_read_route_runs_its_select": LIST,
            "def test_a_write_route_runs_in_a_transaction": LIST,
            "def one_slot": LIST,
            "def test_a_route_that_combines_session": LIST,
            "def test_requests_wait_for_a_session_slot": PG,
            "def test_a_request_that_waits_past_the_pool": PG,
            "def test_a_login_waiting_for_its_hash": PG,
            "def test_an_in_memory_sqlite_database": PG,
        },
    )
    if n < PG:
        t = cut(
            t,
            '"""The engine and sessions: SQLite set up for concurrency, one session per request, fair slots."""',
            '"""The engine and sessions: SQLite set up for concurrency, one session per request."""',
        )
    return t


def test_health(n: int) -> str:
    if n < DB:
        return hand(1, "tests/test_health.py")
    t = final("tests/test_health.py")
    return drop_defs(
        t,
        n,
        {
            "def test_the_database_check_gives_up": HEALTH_TIMEOUT,
            "def test_a_database_that_never_answers": HEALTH_TIMEOUT,
            "def test_requests_fail_after_the_connect_timeout": PG,
            "def postgres_url": PG,
            "def test_a_database_that_stops_answering": PG,
            "def test_a_statement_past_the_statement_timeout": PG,
        },
    )


def test_register(n: int) -> str:
    t = final("tests/test_register.py")
    t = drop_defs(t, n, {"def test_database_errors_hide_their_parameters": ERR500})
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
    t = drop_lines(t, n, {"NewAccount = ": POSTS})
    t = drop_defs(
        t,
        n,
        {
            "def test_200_concurrent_posts": POSTS,
            "def test_performance_demo": LIST,
        },
    )
    if n < POSTS:
        t = cut(
            t,
            '"""Concurrent requests: races on unique emails, many writers on SQLite, the performance demo."""',
            '"""Concurrent requests: racing registrations of one email."""',
        )
    elif n < LIST:
        t = cut(
            t,
            '"""Concurrent requests: races on unique emails, many writers on SQLite, the performance demo."""',
            '"""Concurrent requests: races on unique emails, many writers on SQLite."""',
        )
    return t


def test_auth(n: int) -> str:
    t = final("tests/test_auth.py")
    t = drop_lines(t, n, {"NewAccount = ": ME})
    t = drop_defs(
        t,
        n,
        {
            "def _bearer": ME,
            "def _claims": ME,
            "def _b64": ME,
            "def test_me_returns_the_logged_in_user": ME,
            "def test_me_without_a_token_is_401": ME,
            "def _tampered": ME,
            "def _alg_none": ME,
            "BAD_TOKENS: dict": ME,
            "def test_bad_tokens_get_401": ME,
            "def test_the_token_of_a_deleted_user_is_401": ME,
        },
    )
    if n < ME:
        t = cut(
            t,
            '"""POST /users/login, GET /users/me, and attacks on the JWT."""',
            '"""POST /users/login."""',
        )
    return t


def test_errors(n: int) -> str:
    t = final("tests/test_errors.py")
    t = sub(t, '    assert "hunter2" not in record.exc_text\n', "", n, REDACT)
    if n >= ERR500:
        return t
    t = drop_defs(
        t,
        n,
        {
            "class Boom": ERR500,
            "def app(": ERR500,
            "def client(": ERR500,
            "def test_an_unexpected_error_is_a_generic_500": ERR500,
            "def test_the_log_gets_the_stack_trace": ERR500,
            "def test_http_errors_keep_their_message": ERR500,
            "def test_a_500_without_a_request_id_gets_a_fresh_one": ERR500,
        },
    )
    return cut(
        t,
        '"""Error handling: generic 500 bodies, request ids, stack traces only in the log."""',
        '"""Request ids: echoed when safe, made when absent."""',
    )


def test_posts(n: int) -> str:
    t = final("tests/test_posts.py")
    t = drop_lines(t, n, {"NewAccount = ": POSTS})
    own = {
        "def test_the_author_updates_some_fields": OWN,
        "def test_update_rejects_nulls_and_empty_fields": OWN,
        "def test_another_user_cannot_update": OWN,
        "def test_update_needs_a_token": OWN,
        "def test_update_an_unknown_post_is_404": OWN,
        "def test_the_author_deletes": OWN,
        "def test_another_user_cannot_delete": OWN,
        "def test_delete_needs_a_token": OWN,
        "def test_of_racing_deletes_exactly_one_wins": OWN,
        "def test_patch_racing_delete_never_answers_500": OWN,
        "def test_patch_of_a_post_deleted_after_it_was_read": OWN,
    }
    listing = {
        "def test_read_a_post": LIST,
        "def test_read_an_unknown_post_is_404": LIST,
        "def test_list_is_newest_first": LIST,
        "def test_list_paginates": LIST,
        "def test_list_orders_by_creation_time_not_by_id": LIST,
        "def test_list_defaults_to_20": LIST,
        "def test_list_caps_the_page_size": LIST,
        "def test_list_filters_by_author": LIST,
        "def test_list_rejects_an_integer_author_id": LIST,
        "def statements": LIST,
        "def test_list_runs_one_query": LIST,
        "def test_read_runs_one_query": LIST,
        "def test_the_list_never_loads_emails": LIST,
        "def test_the_list_is_read_through_the_created_at_index": INDEX,
    }
    posts_ = {
        "def _create": POSTS,
        "def test_create_returns_the_post_with_its_author": POSTS,
        "def test_create_needs_a_token": POSTS,
        "def test_create_validates_the_body": POSTS,
        "def test_deleting_a_user_deletes_their_posts": LIST,
    }
    t = drop_defs(t, n, own | listing | posts_)
    if n < OWN:
        t = cut(
            t,
            '"""The posts API: create, list, read, update, delete; only the author may change a post."""',
            '"""The posts API: create, list and read."""'
            if n >= LIST
            else '"""The posts API: create."""'
            if n >= POSTS
            else '"""The posts table: a foreign key on users.id, enforced by the database."""',
        )
    return t


def test_inputs(n: int) -> str:
    t = final("tests/test_inputs.py")
    t = drop_lines(t, n, {"NewAccount = ": POSTS})
    return drop_defs(
        t,
        n,
        {
            "def test_integers_past_their_bound": LIST,
            "def test_the_largest_offset_allowed": LIST,
            "def test_a_nul_byte_in_a_new_post": POSTS,
            "def test_a_nul_byte_in_a_post_update": OWN,
            "def test_a_nul_byte_in_the_login_form": LOGIN,
        },
    )


def test_hashing(n: int) -> str:
    t = final("tests/test_hashing.py")
    return drop_defs(
        t,
        n,
        {"def test_register_answers_503": ERR500, "def test_the_dummy_hash_costs_what": LOGIN},
    )


def test_demo(n: int) -> str:
    t = final("tests/test_demo_endpoints.py")
    t = drop_defs(
        t,
        n,
        {
            "def _elapsed": DEMO,
            "def test_sleep_endpoints_take_the_time_asked": DEMO,
            "def test_ms_is_bounded": DEMO,
            "def test_async_sleep_overlaps": DEMO,
            "def test_hash_endpoints": DEMO,
            "def test_elapsed_ms_is_rounded": DEMO,
            "def test_elapsed_ms_keeps_one_decimal": DEMO,
        },
    )
    if n < DEMO:
        t = cut(
            t,
            '"""The /demo endpoints of the "why async" talk: off by default, each one behaving as advertised."""',
            '"""The /demo endpoints: off by default; /demo/fail answers the generic 500."""',
        )
        t = t.replace('client.get("/demo/async-sleep")', 'client.get("/demo/fail")')
    return t


def test_headers(n: int) -> str:
    t = final("tests/test_headers.py")
    return drop_defs(
        t,
        n,
        {
            "def test_the_token_response_is_never_cached": ERR500,
            "def test_by_default_cors_is_off": ERR500,
            "def test_cors_is_off_unless_origins_are_configured": ERR500,
        },
    )


def test_audit_log(n: int) -> str:
    t = final("tests/test_audit_log.py")
    t = drop_lines(t, n, {"NewAccount = ": OWN})
    return drop_defs(
        t,
        n,
        {
            "def test_post_changes_are_logged_by_id": OWN,
            "def test_a_rejected_request_is_logged_with": ERR500,
        },
    )


def test_logging(n: int) -> str:
    t = final("tests/test_logging.py")
    # Before GET /posts/{id}, a malformed path is a 404 (not logged by the app, only by uvicorn).
    return sub(t, "    assert statuses == [422]\n", "    assert statuses == [404]\n", n, LIST)


# ----------------------------------------------------------------------------- the workspace at step n
def workspace(n: int) -> dict[str, str]:
    w: dict[str, str] = {}

    def at(step: int, path: str, fn=None) -> None:
        if n >= step:
            w[path] = fn(n) if fn else final(path)

    at(1, "app/__init__.py")
    at(1, "app/core/__init__.py")
    at(1, "app/core/headers.py", headers)
    at(1, "tests/test_headers.py", test_headers)
    w["app/main.py"] = main(n)
    at(1, "tests/__init__.py")
    w["tests/conftest.py"] = conftest(n)
    w["pytest.ini"] = hand(1, "pytest.ini") if n < MIGR else final("pytest.ini")
    w["tests/test_health.py"] = test_health(n)
    if n >= 2:
        at(2, "app/api/__init__.py")
        w["app/core/config.py"] = config(n)
        w["app/core/state.py"] = state(n)
        w["app/api/health.py"] = health(n)
        w[".env.example"] = hand(2, ".env.example") if n < DB else env_example(n)
        w["tests/test_config.py"] = test_config(n)
    at(DB, "app/core/database.py", database)
    at(SESSION_DEP, "app/api/deps.py", deps)
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
    at(HASH, "tests/test_hashing.py", test_hashing)
    at(SCHEMAS, "app/schemas/__init__.py")
    at(SCHEMAS, "app/schemas/common.py")
    at(SCHEMAS, "app/schemas/user.py", schemas_user)
    at(SERVICE, "app/services/__init__.py")
    at(SERVICE, "app/services/user_service.py", user_service)
    at(REGISTER, "app/api/users.py", users)
    at(REGISTER, "tests/test_register.py", test_register)
    at(REGISTER, "tests/test_concurrency.py", test_concurrency)
    at(REGISTER, "tests/test_inputs.py", test_inputs)
    at(LOGIN, "tests/test_auth.py", test_auth)
    at(LOGIN, "tests/test_audit_log.py", test_audit_log)
    at(RATE_LIMIT, "app/core/rate_limit.py")
    at(PUBLIC_PROFILE, "tests/test_users.py")
    at(RATE_LIMIT, "tests/test_rate_limit.py")
    at(REQID, "app/core/logging.py", logging_)
    at(REQID, "app/core/request_id.py")
    at(REQID, "tests/test_errors.py", test_errors)
    at(REQID, "tests/test_hosts.py")
    at(ERR500, "app/core/errors.py", errors)
    at(ERR500, "app/api/demo.py", demo)
    at(ERR500, "tests/test_demo_endpoints.py", test_demo)
    at(REDACT, "tests/test_logging.py", test_logging)
    at(POSTMODEL, "app/models/post.py", post_model)
    at(POSTMODEL, "app/alembic/versions/0002_posts.py")
    at(POSTMODEL, "tests/test_posts.py", test_posts)
    at(OPENAPI, "app/api/responses.py", responses)
    at(POSTS, "app/schemas/post.py", schemas_post)
    at(POSTS, "app/services/post_service.py", post_service)
    at(POSTS, "app/api/posts.py", posts)
    at(POSTS, "tests/test_body_limit.py")
    at(LIST, "app/core/tuning.py", tuning)
    at(INDEX, "app/alembic/versions/0003_posts_created_at.py")
    at(OWN, "tests/test_identifiers.py")
    at(OWN, "tests/test_openapi.py")
    at(DEMO, "tests/test_startup.py")
    at(PG, "tests/test_suite_safety.py")
    return w


def reference() -> dict[str, str]:
    return {path: final(path) for path in reference_paths()}


_FORMAT_CACHE: dict[str, str] = {}


def fmt(path: str, text: str) -> str:
    """Clean a generated Python file: drop the imports carving left unused, sort, ruff format."""
    if not path.endswith(".py"):
        return text
    if text not in _FORMAT_CACHE:
        config = ["--config", str(ROOT / "pyproject.toml"), "--stdin-filename", path, "-"]
        ruff = str(ROOT / ".venv/bin/ruff")
        fixed = subprocess.run(
            [ruff, "check", "--fix", "--select", "F401,I", "--quiet", *config],
            input=text,
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        result = subprocess.run(
            [ruff, "format", *config], input=fixed, capture_output=True, text=True, check=True
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
