"""The hashing pool's queue is bounded: a burst gets 503 at once, not a growing wait."""

import asyncio
import threading

import pytest

from app.core.config import Settings
from app.core.security import HashingBusyError, PasswordHasher
from app.core.state import app_state
from app.main import create_app
from tests.helpers import PASSWORD, lifespan_client


class _BlockedHash:
    """A hashing backend whose calls wait until released: the threads look busy."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.started = threading.Semaphore(0)

    def hash(self, password: str) -> str:
        self.started.release()
        self.release.wait(timeout=10)
        return "hashed"

    def verify_and_update(self, password: str, hashed: str) -> tuple[bool, None]:
        self.hash(password)
        return False, None


async def test_the_hashing_queue_is_bounded(settings: Settings) -> None:
    hasher = PasswordHasher(settings.model_copy(update={"hash_threads": 1, "hash_queue_size": 1}))
    blocked = _BlockedHash()
    hasher._hash = blocked  # type: ignore[assignment]
    try:
        running = asyncio.ensure_future(hasher.hash("a"))  # takes the one thread
        waiting = asyncio.ensure_future(hasher.hash("b"))  # waits in the queue
        await asyncio.to_thread(blocked.started.acquire)
        with pytest.raises(HashingBusyError):
            await hasher.hash("c")  # nowhere to wait: refused at once
        blocked.release.set()
        assert list(await asyncio.gather(running, waiting)) == ["hashed", "hashed"]
        assert await hasher.hash("d") == "hashed"  # room again
    finally:
        blocked.release.set()
        hasher.close()


async def test_register_answers_503_with_retry_after_when_hashing_is_full(
    settings: Settings,
) -> None:
    app = create_app(settings.model_copy(update={"hash_threads": 1, "hash_queue_size": 0}))
    async with lifespan_client(app) as client:
        blocked = _BlockedHash()
        hasher = app_state(app).hasher
        real = hasher._hash
        hasher._hash = blocked  # type: ignore[assignment]
        body = {"email": "first@example.com", "password": PASSWORD, "confirm_password": PASSWORD}
        first = asyncio.create_task(client.post("/users/register", json=body))
        await asyncio.to_thread(blocked.started.acquire)
        busy = await client.post("/users/register", json=body | {"email": "second@example.com"})
        login = await client.post(
            "/users/login", data={"username": "x@example.com", "password": "y"}
        )
        blocked.release.set()
        assert (await first).status_code == 201
        hasher._hash = real
    assert busy.status_code == 503
    assert busy.json() == {"detail": "Busy"}
    assert busy.headers["Retry-After"] == "1"
    assert login.status_code == 503


async def test_hashing_and_verifying_run_off_the_event_loop(settings: Settings) -> None:
    # The app's headline rule: Argon2 never runs on the loop's thread.
    hasher = PasswordHasher(settings)
    loop_thread = threading.current_thread()
    seen: list[threading.Thread] = []
    real = hasher._hash

    class Recording:
        def hash(self, password: str) -> str:
            seen.append(threading.current_thread())
            return real.hash(password)

        def verify_and_update(self, password: str, hashed: str) -> tuple[bool, str | None]:
            seen.append(threading.current_thread())
            return real.verify_and_update(password, hashed)

    hasher._hash = Recording()  # type: ignore[assignment]
    try:
        hashed = await hasher.hash("a password")
        assert (await hasher.verify("a password", hashed))[0] is True
    finally:
        hasher.close()
    assert len(seen) == 2
    assert all(thread is not loop_thread for thread in seen)
    assert all(thread.name.startswith("password-hash") for thread in seen)


async def test_the_dummy_hash_costs_what_a_real_one_does(settings: Settings) -> None:
    # An unknown email must cost one full verification: the dummy hash has today's parameters.
    hasher = PasswordHasher(settings)
    verified: list[str] = []
    real = hasher._hash

    class Recording:
        def verify_and_update(self, password: str, hashed: str) -> tuple[bool, str | None]:
            verified.append(hashed)
            return real.verify_and_update(password, hashed)

    try:
        parameters = (await hasher.hash("x")).rsplit("$", 2)[0]
        hasher._hash = Recording()  # type: ignore[assignment]
        await hasher.verify_dummy("whatever")
    finally:
        hasher.close()
    [dummy] = verified
    assert dummy.rsplit("$", 2)[0] == parameters


async def test_no_more_hashes_run_at_once_than_there_are_threads(settings: Settings) -> None:
    hasher = PasswordHasher(settings.model_copy(update={"hash_threads": 2}))
    blocked = _BlockedHash()
    hasher._hash = blocked  # type: ignore[assignment]
    try:
        hashes = [asyncio.ensure_future(hasher.hash(str(n))) for n in range(3)]
        for _ in range(2):
            assert await asyncio.to_thread(blocked.started.acquire, timeout=5)
        # Two threads are busy: the third hash waits for one of them.
        assert not await asyncio.to_thread(blocked.started.acquire, timeout=0.1)
        blocked.release.set()
        assert await asyncio.gather(*hashes) == ["hashed"] * 3
    finally:
        blocked.release.set()
        hasher.close()


async def test_closing_waits_for_running_hashes_and_cancels_waiting_ones(
    settings: Settings,
) -> None:
    hasher = PasswordHasher(settings.model_copy(update={"hash_threads": 1, "hash_queue_size": 1}))
    blocked = _BlockedHash()
    hasher._hash = blocked  # type: ignore[assignment]
    running = asyncio.ensure_future(hasher.hash("a"))
    waiting = asyncio.ensure_future(hasher.hash("b"))
    try:
        await asyncio.to_thread(blocked.started.acquire)
        closing = asyncio.ensure_future(asyncio.to_thread(hasher.close))
        await asyncio.sleep(0.05)
        assert not closing.done()  # the running hash is waited for
        assert waiting.cancelled()  # the waiting one never starts
        blocked.release.set()
        await closing
        assert await running == "hashed"
    finally:
        blocked.release.set()
        hasher.close()
