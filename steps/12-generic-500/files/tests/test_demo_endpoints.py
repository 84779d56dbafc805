"""The /demo endpoints: off by default; /demo/fail answers the generic 500."""

import pytest

from app.core.config import Settings
from app.main import create_app
from tests.helpers import lifespan_client


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The test settings with the demo endpoints mounted."""
    return settings.model_copy(update={"demo_endpoints": True})


async def test_demo_endpoints_are_off_by_default(settings: Settings) -> None:
    off = settings.model_copy(update={"demo_endpoints": False})
    async with lifespan_client(create_app(off)) as client:
        assert (await client.get("/demo/fail")).status_code == 404


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
