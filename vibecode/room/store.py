"""The room's state: SQLAlchemy Core on SQLite (default) or PostgreSQL (`--db postgres`).

One room per database. Tokens and the join code are kept as SHA-256 digests only: the
database never holds a secret that works. Per attendee: the step (the latest move by the
attendee's own clock wins, so reports that arrive out of order never move anyone back), the
latest check of each step with each test's outcome, since when the attendee fails the step
they are on, and how many reports were counted.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

metadata = MetaData()

rooms = Table(
    "room",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code_digest", String(64), nullable=False),
    Column("presenter_digest", String(64), nullable=False),
    Column("closed", Boolean, nullable=False, default=False),
    Column("presenter_step", Integer, nullable=False, default=0),
    Column("stuck_minutes", Float, nullable=False),
    Column("created", Float, nullable=False),
)
attendees = Table(
    "attendee",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_digest", String(64), nullable=False, unique=True),
    Column("name", String(80), nullable=False),
    Column("joined", Float, nullable=False),
    Column("step", Integer, nullable=False, default=0),
    # The attendee's own clock at the move that set `step`.
    Column("step_at", Float, nullable=False, default=0.0),
    Column("seen", Float, nullable=False),
    Column("reports", Integer, nullable=False, default=0),
    Column("failing_step", Integer, nullable=True),
    # The room's clock when the attendee's checks of `failing_step` began to fail.
    Column("failing_since", Float, nullable=True),
)
checks = Table(
    "step_check",
    metadata,
    Column("attendee_id", ForeignKey("attendee.id", ondelete="CASCADE"), primary_key=True),
    Column("step", Integer, primary_key=True),
    Column("ok", Boolean, nullable=False),
    Column("at", Float, nullable=False),
)
outcomes = Table(
    "test_outcome",
    metadata,
    Column("attendee_id", ForeignKey("attendee.id", ondelete="CASCADE"), primary_key=True),
    Column("step", Integer, primary_key=True),
    Column("test", String(200), primary_key=True),
    Column("outcome", String(8), nullable=False),
    Column("at", Float, nullable=False),
)

FAILING = ("failed", "error")


def digest(secret: str) -> str:
    """What the database keeps of a token or a code."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Attendee:
    """An attendee as the service sees it after their token was checked."""

    id: int
    name: str
    step: int


@dataclass(frozen=True)
class Report:
    """One validated report: a move, or a check with each test's outcome."""

    kind: str
    step: int
    """The attendee's step when the command ran."""
    at: float
    checked: int | None = None
    """The step whose tests a check ran (the next one for `check --next`)."""
    ok: bool = False
    tests: Sequence[tuple[str, str]] = ()


class RoomMissing(Exception):
    """The database holds no room yet (`vibecode room` creates it)."""


class RoomStore:
    """The room's tables behind async methods; one instance per server process."""

    def __init__(self, database_url: str, *, clock: Callable[[], float] = time.time) -> None:
        self.url = database_url
        self.clock = clock
        self.sqlite = database_url.startswith("sqlite")
        options: dict[str, Any] = {}
        if self.sqlite:
            # One writer at a time in SQLite: one connection, and a fair queue in front of it
            # (SQLAlchemy's async pool does not serve waiters in order).
            options = {"pool_size": 1, "max_overflow": 0}
        else:
            options = {"pool_size": 10, "max_overflow": 0}
        self.engine: AsyncEngine = create_async_engine(database_url, **options)
        self._turn = asyncio.Lock() if self.sqlite else None
        if self.sqlite:
            event.listen(self.engine.sync_engine, "connect", _tune_sqlite)

    @contextlib.asynccontextmanager
    async def _begin(self) -> AsyncIterator[AsyncConnection]:
        if self._turn is None:
            async with self.engine.begin() as connection:
                yield connection
            return
        async with self._turn, self.engine.begin() as connection:
            yield connection

    async def dispose(self) -> None:
        """Close the connections."""
        await self.engine.dispose()

    # The presenter's side ---------------------------------------------------------------------

    async def create(self, *, code: str, presenter_token: str, stuck_minutes: float) -> None:
        """A new room: every table emptied, the code and the presenter token set."""
        async with self._begin() as connection:
            await connection.run_sync(metadata.drop_all)
            await connection.run_sync(metadata.create_all)
            await connection.execute(
                insert(rooms).values(
                    id=1,
                    code_digest=digest(code),
                    presenter_digest=digest(presenter_token),
                    closed=False,
                    presenter_step=0,
                    stuck_minutes=stuck_minutes,
                    created=self.clock(),
                )
            )

    async def reopen(self, *, code: str, presenter_token: str, stuck_minutes: float) -> bool:
        """Serve the room this database already holds (its attendees' tokens keep working);
        False when it holds another room or none."""
        async with self._begin() as connection:
            await connection.run_sync(metadata.create_all)
            row = (await connection.execute(select(rooms).where(rooms.c.id == 1))).first()
            if row is None or row.presenter_digest != digest(presenter_token):
                return False
            if row.code_digest != digest(code):
                return False
            await connection.execute(
                update(rooms).where(rooms.c.id == 1).values(stuck_minutes=stuck_minutes)
            )
        return True

    async def _room(self, connection: AsyncConnection) -> Any:
        row = (await connection.execute(select(rooms).where(rooms.c.id == 1))).first()
        if row is None:
            raise RoomMissing
        return row

    async def is_presenter(self, token: str) -> bool:
        """Whether `token` is the presenter's."""
        async with self.engine.connect() as connection:
            room = await self._room(connection)
        return bool(room.presenter_digest == digest(token))

    async def set_presenter_step(self, step: int) -> None:
        """The presenter moved."""
        async with self._begin() as connection:
            await connection.execute(
                update(rooms).where(rooms.c.id == 1).values(presenter_step=step)
            )

    async def close(self) -> None:
        """Refuse joins from now on."""
        async with self._begin() as connection:
            await connection.execute(update(rooms).where(rooms.c.id == 1).values(closed=True))

    # The attendees' side ----------------------------------------------------------------------

    async def code_matches(self, code: str) -> bool:
        """Whether `code` is the room's join code."""
        import hmac

        async with self.engine.connect() as connection:
            room = await self._room(connection)
        return hmac.compare_digest(room.code_digest, digest(code))

    async def is_closed(self) -> bool:
        """Whether the presenter closed the room."""
        async with self.engine.connect() as connection:
            return bool((await self._room(connection)).closed)

    async def join(self, *, name: str, token: str) -> int:
        """Add an attendee holding `token`; their id."""
        now = self.clock()
        async with self._begin() as connection:
            result = await connection.execute(
                insert(attendees).values(
                    token_digest=digest(token),
                    name=name,
                    joined=now,
                    step=0,
                    step_at=0.0,
                    seen=now,
                    reports=0,
                )
            )
            key = result.inserted_primary_key
            assert key is not None
            return int(key[0])

    async def attendee(self, token: str) -> Attendee | None:
        """The attendee holding `token`, or None."""
        async with self.engine.connect() as connection:
            row = (
                await connection.execute(
                    select(attendees.c.id, attendees.c.name, attendees.c.step).where(
                        attendees.c.token_digest == digest(token)
                    )
                )
            ).first()
        return Attendee(row.id, row.name, row.step) if row else None

    async def presenter_step(self) -> int:
        """Where the presenter is."""
        async with self.engine.connect() as connection:
            return int((await self._room(connection)).presenter_step)

    async def report(self, attendee: Attendee, report: Report) -> int:
        """Count and store one report; the presenter's step, for the answer."""
        now = self.clock()
        async with self._begin() as connection:
            room = await self._room(connection)
            row = (
                await connection.execute(select(attendees).where(attendees.c.id == attendee.id))
            ).one()
            values: dict[str, Any] = {"seen": now, "reports": attendees.c.reports + 1}
            step, failing_step, failing_since = row.step, row.failing_step, row.failing_since
            if report.at >= row.step_at:
                step = report.step
                values.update(step=step, step_at=report.at)
            if report.kind == "check" and report.checked is not None:
                await self._store_check(connection, attendee.id, report, now)
                if report.checked == step:
                    if report.ok:
                        failing_step, failing_since = None, None
                    elif failing_step != step or failing_since is None:
                        failing_step, failing_since = step, now
            if failing_step is not None and failing_step != step:
                failing_step, failing_since = None, None  # moved on: a new step, a fresh start
            values.update(failing_step=failing_step, failing_since=failing_since)
            await connection.execute(
                update(attendees).where(attendees.c.id == attendee.id).values(**values)
            )
            return int(room.presenter_step)

    async def _store_check(
        self, connection: AsyncConnection, attendee_id: int, report: Report, now: float
    ) -> None:
        """Replace the attendee's latest check of the step (and its tests' outcomes)."""
        where = (checks.c.attendee_id == attendee_id) & (checks.c.step == report.checked)
        previous = (await connection.execute(select(checks.c.at).where(where))).first()
        if previous is not None and previous.at > report.at:
            return  # a newer check of this step arrived first
        await connection.execute(delete(checks).where(where))
        await connection.execute(
            delete(outcomes).where(
                (outcomes.c.attendee_id == attendee_id) & (outcomes.c.step == report.checked)
            )
        )
        await connection.execute(
            insert(checks).values(
                attendee_id=attendee_id, step=report.checked, ok=report.ok, at=report.at
            )
        )
        if report.tests:
            await connection.execute(
                insert(outcomes),
                [
                    {
                        "attendee_id": attendee_id,
                        "step": report.checked,
                        "test": name,
                        "outcome": outcome,
                        "at": report.at,
                    }
                    for name, outcome in report.tests
                ],
            )

    # Reading ----------------------------------------------------------------------------------

    async def summary(self) -> dict[str, Any]:
        """What the audience may see: per step, how many attendees and how many pass it."""
        async with self.engine.connect() as connection:
            room = await self._room(connection)
            passing = (
                select(checks.c.attendee_id, checks.c.step).where(checks.c.ok.is_(True)).subquery()
            )
            rows = (
                await connection.execute(
                    select(
                        attendees.c.step,
                        func.count(attendees.c.id),
                        func.count(passing.c.attendee_id),
                        func.sum(attendees.c.reports),
                    )
                    .select_from(
                        attendees.outerjoin(
                            passing,
                            (passing.c.attendee_id == attendees.c.id)
                            & (passing.c.step == attendees.c.step),
                        )
                    )
                    .group_by(attendees.c.step)
                    .order_by(attendees.c.step)
                )
            ).all()
        return {
            "presenter_step": room.presenter_step,
            "closed": bool(room.closed),
            "attendees": sum(int(row[1]) for row in rows),
            "reports": sum(int(row[3] or 0) for row in rows),
            "steps": [
                {"step": int(row[0]), "attendees": int(row[1]), "passing": int(row[2])}
                for row in rows
            ],
        }

    async def roster(self) -> dict[str, Any]:
        """The presenter's view: the summary, every attendee by name, who is stuck, and the most
        common failing tests of the presenter's step."""
        summary = await self.summary()
        now = self.clock()
        async with self.engine.connect() as connection:
            room = await self._room(connection)
            limit = float(room.stuck_minutes) * 60
            passed = {
                (row.attendee_id, row.step)
                for row in await connection.execute(
                    select(checks.c.attendee_id, checks.c.step).where(checks.c.ok.is_(True))
                )
            }
            people = (await connection.execute(select(attendees).order_by(attendees.c.id))).all()
            failing = (
                await connection.execute(
                    select(outcomes.c.test, func.count(outcomes.c.attendee_id).label("n"))
                    .where(
                        (outcomes.c.step == room.presenter_step) & outcomes.c.outcome.in_(FAILING)
                    )
                    .group_by(outcomes.c.test)
                    .order_by(func.count(outcomes.c.attendee_id).desc(), outcomes.c.test)
                    .limit(3)
                )
            ).all()
        listed = []
        for person in people:
            failing_for = (
                now - person.failing_since
                if person.failing_since is not None and person.failing_step == person.step
                else None
            )
            listed.append(
                {
                    "id": person.id,
                    "name": person.name,
                    "step": person.step,
                    "passes": (person.id, person.step) in passed,
                    "failing_for": failing_for,
                    "stuck": failing_for is not None and failing_for > limit,
                    "reports": person.reports,
                    "seen": person.seen,
                }
            )
        return {
            **summary,
            "stuck_minutes": float(room.stuck_minutes),
            "attendee_list": listed,
            "stuck": [person["name"] for person in listed if person["stuck"]],
            "failing_tests": [{"test": row.test, "attendees": int(row.n)} for row in failing],
        }


def _tune_sqlite(connection: Any, _record: Any) -> None:
    """WAL and a busy timeout on every new SQLite connection (PRAGMAs are per connection)."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
