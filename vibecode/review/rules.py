"""The template's rules as a catalogue: every rule has an id, a one-line message and its fix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """One rule of the template."""

    id: str
    group: str
    message: str
    fix: str


@dataclass(frozen=True)
class Finding:
    """A place where the code breaks a rule."""

    rule: str
    path: str
    """Relative to the project's root, with forward slashes."""
    line: int
    detail: str = ""
    """What exactly, when the rule's message alone does not say it (a table, a field...)."""

    @property
    def message(self) -> str:
        """The rule's message with the detail of this place."""
        base = RULES[self.rule].message
        return f"{base}: {self.detail}" if self.detail else base

    @property
    def fix(self) -> str:
        """How to fix it."""
        return RULES[self.rule].fix

    def as_dict(self) -> dict[str, str | int]:
        """The `--json` shape of one finding."""
        return {
            "rule": self.rule,
            "path": self.path,
            "line": self.line,
            "message": self.message,
            "fix": self.fix,
        }


_ALL = (
    # async everywhere
    Rule(
        "VC101",
        "async",
        "synchronous engine or session",
        "use create_async_engine / async_sessionmaker / AsyncSession from sqlalchemy.ext.asyncio",
    ),
    Rule(
        "VC102",
        "async",
        "legacy session.query()",
        "write `await session.execute(select(Model).where(...))` (SQLAlchemy 2.0 style)",
    ),
    Rule(
        "VC103",
        "async",
        "blocking call inside async def",
        "await the async version (asyncio.sleep, httpx.AsyncClient, anyio files) "
        "or move it off the loop (run_in_threadpool / a plain def endpoint)",
    ),
    Rule(
        "VC104",
        "async",
        "coroutine never awaited",
        "put `await` before the call (or keep the task: asyncio.create_task and hold it)",
    ),
    # identifiers
    Rule(
        "VC201",
        "identifiers",
        "table without an integer `id` primary key",
        "add `id: Mapped[int] = mapped_column(primary_key=True)` (or use IdentifierMixin)",
    ),
    Rule(
        "VC202",
        "identifiers",
        "table without a proper `public_id`",
        "add `public_id: Mapped[uuid.UUID] = mapped_column(default=uuid.uuid4, unique=True, "
        "index=True)` (not null)",
    ),
    Rule(
        "VC203",
        "identifiers",
        "foreign key to public_id",
        "point the foreign key at the integer `id`: ForeignKey(Parent.id)",
    ),
    Rule(
        "VC204",
        "identifiers",
        "response exposes an integer id",
        "serialize the public UUID as `id` (`id: PublicId`, read from `public_id`) "
        "and leave integer ids out of response schemas",
    ),
    Rule(
        "VC205",
        "identifiers",
        "route takes an integer id",
        "take the public id: `public_id: uuid.UUID` and look it up by Model.public_id",
    ),
    # errors and logs
    Rule(
        "VC301",
        "errors",
        "print() in the app",
        "log instead: `logger = logging.getLogger(__name__)`, `logger.info(...)`",
    ),
    Rule(
        "VC302",
        "errors",
        "5xx detail built from an exception",
        "answer a fixed message ('Internal server error') and log the exception with exc_info",
    ),
    Rule(
        "VC303",
        "errors",
        "password, token or secret passed to a logger",
        "log an identifier (user id, request id), never the secret itself",
    ),
    Rule(
        "VC304",
        "errors",
        "no handler for unexpected exceptions",
        "register one: `app.add_exception_handler(Exception, handler)` answering a generic 500",
    ),
    # migrations
    Rule(
        "VC401",
        "migrations",
        "models and migrations disagree (alembic check)",
        "write the revision: `alembic revision --autogenerate -m '...'`, review it, upgrade",
    ),
    Rule(
        "VC402",
        "migrations",
        "table without a revision that creates it",
        "add a revision with op.create_table for it (`alembic revision --autogenerate`)",
    ),
    # tests
    Rule(
        "VC501",
        "tests",
        "router without tests",
        "add tests/test_<router>.py that calls its routes through the client",
    ),
    Rule(
        "VC502",
        "tests",
        "no test looks an item up by its public id",
        "add a test that creates an item and GETs it back at `/items/{public_id}`",
    ),
    # the review itself
    Rule(
        "VC901",
        "review",
        "the project could not be inspected",
        "make the app importable (`python -c 'import app.main'`) and run the review again",
    ),
)

RULES: dict[str, Rule] = {rule.id: rule for rule in _ALL}
