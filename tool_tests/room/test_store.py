"""The room's state rules, on SQLite and on PostgreSQL (`vibecode_room_test`)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from vibecode.room.store import Attendee, Report, RoomStore

POSTGRES = os.environ.get(
    "ROOM_TEST_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432/vibecode_room_test"
)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


async def _postgres_ready() -> None:
    import asyncpg  # type: ignore[import-untyped]  # ships no type information

    try:
        connection = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres")
    except OSError as error:
        pytest.fail(f"PostgreSQL is not running on 127.0.0.1:5432: {error}")
    try:
        name = POSTGRES.rsplit("/", 1)[1]
        if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.e2e)])
async def store(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[RoomStore, Clock]]:
    clock = Clock()
    if request.param == "postgres":
        await _postgres_ready()
        url = POSTGRES
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'room.db'}"
    room = RoomStore(url, clock=clock)
    await room.create(code="ABC234", presenter_token="presenter", stuck_minutes=5)
    try:
        yield room, clock
    finally:
        await room.dispose()


async def attendee(room: RoomStore, name: str) -> Attendee:
    token = f"token-{name}"
    await room.join(name=name, token=token)
    found = await room.attendee(token)
    assert found is not None
    return found


def check(step: int, at: float, *, ok: bool, failing: str = "tests/t.py::test_a") -> Report:
    tests = [("tests/t.py::test_ok", "passed")] + ([] if ok else [(failing, "failed")])
    return Report(kind="check", step=step, at=at, checked=step, ok=ok, tests=tests)


async def test_stuck_after_failing_the_same_step_for_longer_than_the_limit(
    store: tuple[RoomStore, Clock],
) -> None:
    room, clock = store
    ada, bob = await attendee(room, "Ada"), await attendee(room, "Bob")
    await room.report(ada, check(4, 1.0, ok=False))
    await room.report(bob, check(4, 1.0, ok=False))
    clock.now += 4 * 60
    await room.report(ada, check(4, 2.0, ok=False))  # still failing: the clock keeps running
    await room.report(bob, check(4, 2.0, ok=True))  # passes: not stuck any more
    clock.now += 2 * 60
    state = await room.roster()
    assert state["stuck"] == ["Ada"]
    people = {p["name"]: p for p in state["attendee_list"]}
    assert people["Ada"]["failing_for"] == pytest.approx(6 * 60)
    assert people["Bob"]["passes"] is True
    # A move to another step is a fresh start.
    await room.report(ada, Report(kind="move", step=5, at=3.0))
    assert (await room.roster())["stuck"] == []


async def test_reports_out_of_order_never_move_anyone_back(store: tuple[RoomStore, Clock]) -> None:
    room, _ = store
    ada = await attendee(room, "Ada")
    await room.report(ada, Report(kind="move", step=7, at=20.0))
    await room.report(ada, Report(kind="move", step=6, at=10.0))  # sent earlier, arrived later
    state = await room.roster()
    assert state["attendee_list"][0]["step"] == 7
    assert state["reports"] == 2  # counted all the same


async def test_most_common_failing_test_of_the_presenters_step(
    store: tuple[RoomStore, Clock],
) -> None:
    room, _ = store
    await room.set_presenter_step(4)
    people = [await attendee(room, name) for name in ("A", "B", "C", "D")]
    await room.report(people[0], check(4, 1.0, ok=False, failing="tests/t.py::test_login"))
    await room.report(people[1], check(4, 1.0, ok=False, failing="tests/t.py::test_login"))
    await room.report(people[2], check(4, 1.0, ok=False, failing="tests/t.py::test_register"))
    await room.report(people[3], check(3, 1.0, ok=False, failing="tests/t.py::test_other"))
    state = await room.roster()
    assert state["failing_tests"][0] == {"test": "tests/t.py::test_login", "attendees": 2}
    assert [row["test"] for row in state["failing_tests"]] == [
        "tests/t.py::test_login",
        "tests/t.py::test_register",
    ]
    # A newer check of the step replaces the older one's outcomes.
    await room.report(people[0], check(4, 2.0, ok=True))
    assert (await room.roster())["failing_tests"][0]["attendees"] == 1
    summary = await room.summary()
    assert summary["steps"] == [
        {"step": 3, "attendees": 1, "passing": 0},
        {"step": 4, "attendees": 3, "passing": 1},
    ]
    assert "A" not in str(summary)


async def test_a_room_is_reopened_only_with_its_own_code_and_token(
    store: tuple[RoomStore, Clock],
) -> None:
    room, _ = store
    await attendee(room, "Ada")
    assert await room.reopen(code="ABC234", presenter_token="presenter", stuck_minutes=3)
    assert await room.attendee("token-Ada") is not None  # tokens survive a restart
    assert not await room.reopen(code="ABC234", presenter_token="other", stuck_minutes=3)
    assert not await room.reopen(code="ZZZ999", presenter_token="presenter", stuck_minutes=3)
