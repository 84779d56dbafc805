"""The /demo endpoints of the "why async" talk: off by default, each one behaving as advertised."""

import asyncio
import time

import pytest
from httpx import AsyncClient

from app.api import demo
from app.core.config import Settings
from app.main import create_app
from tests.helpers import lifespan_client


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The test settings with the demo endpoints mounted."""
    return settings.model_copy(update={"demo_endpoints": True})


async def _elapsed(client: AsyncClient, path: str, n: int) -> float:
    started = time.perf_counter()
    responses = await asyncio.gather(*(client.get(path) for _ in range(n)))
    assert all(r.status_code == 200 for r in responses)
    return time.perf_counter() - started


async def test_demo_endpoints_are_off_by_default(settings: Settings) -> None:
    off = settings.model_copy(update={"demo_endpoints": False})
    async with lifespan_client(create_app(off)) as client:
        assert (await client.get("/demo/async-sleep")).status_code == 404


@pytest.mark.parametrize("name", ["async-sleep", "blocking-sleep", "sync-sleep"])
async def test_sleep_endpoints_take_the_time_asked(name: str, client: AsyncClient) -> None:
    response = await client.get(f"/demo/{name}", params={"ms": 20})
    assert response.status_code == 200
    assert response.json()["endpoint"] == name
    assert 19 <= response.json()["elapsed_ms"] < 2000  # measured inside the server


@pytest.mark.parametrize("ms", [-1, 2001])
async def test_ms_is_bounded(ms: int, client: AsyncClient) -> None:
    assert (await client.get("/demo/async-sleep", params={"ms": ms})).status_code == 422


async def test_async_sleep_overlaps_and_blocking_sleep_does_not(client: AsyncClient) -> None:
    # 8 requests of 50 ms each: blocking sleeps queue up (400 ms at least, whatever the load);
    # awaited sleeps overlap (about 50 ms in all), far below that even on a busy machine.
    assert await _elapsed(client, "/demo/blocking-sleep?ms=50", 8) >= 0.4
    assert await _elapsed(client, "/demo/async-sleep?ms=50", 8) < 0.3
    assert await _elapsed(client, "/demo/sync-sleep?ms=50", 8) < 0.3


@pytest.mark.parametrize("name", ["hash-on-loop", "hash-off-loop"])
async def test_hash_endpoints(name: str, client: AsyncClient) -> None:
    response = await client.post(f"/demo/{name}")
    assert response.status_code == 200
    assert response.json()["endpoint"] == name


async def test_the_fail_endpoint_answers_the_generic_500(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    async with lifespan_client(create_app(settings), raise_app_exceptions=False) as client:
        response = await client.get("/demo/fail", headers={"X-Request-ID": "demo-fail-1"})
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error", "request_id": "demo-fail-1"}
    assert "hunter2" not in response.text
    [record] = [r for r in caplog.records if r.name == "app.errors"]
    assert record.request_id == "demo-fail-1"  # type: ignore[attr-defined]
    assert record.exc_text is not None and "DemoFailure" in record.exc_text


async def test_elapsed_ms_is_rounded_to_a_tenth(client: AsyncClient) -> None:
    elapsed = (await client.get("/demo/async-sleep", params={"ms": 3})).json()["elapsed_ms"]
    assert elapsed == round(elapsed, 1)


def test_elapsed_ms_keeps_one_decimal(monkeypatch: pytest.MonkeyPatch) -> None:
    # 2.3456789 s after the start: 2345.7 ms, neither a whole millisecond nor 13 decimals.
    monkeypatch.setattr(time, "perf_counter", lambda: 12.3456789)
    result = demo._result("async-sleep", started=10.0)
    monkeypatch.undo()
    assert result.elapsed_ms == 2345.7
