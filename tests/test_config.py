"""Settings: read from the environment, and refuse the example secret outside DEBUG."""

import pytest

from app.core.config import DEFAULT_SECRET_KEY, Settings
from app.main import create_app
from tests.helpers import lifespan_client


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARGON2_TIME_COST", "1")
    monkeypatch.setenv("HASH_THREADS", "3")
    monkeypatch.setenv("DEMO_ENDPOINTS", "true")
    settings = Settings(_env_file=None)
    assert settings.argon2_time_cost == 1
    assert settings.hash_threads == 3
    assert settings.demo_endpoints is True


def test_the_secret_key_never_shows_in_a_repr(settings: Settings) -> None:
    assert settings.secret_key.get_secret_value() not in repr(settings)


async def test_app_refuses_to_start_with_the_example_secret(settings: Settings) -> None:
    unsafe = settings.model_copy(update={"secret_key": Settings().secret_key, "debug": False})
    assert unsafe.secret_key.get_secret_value() == DEFAULT_SECRET_KEY
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        async with lifespan_client(create_app(unsafe)):
            pass


async def test_debug_allows_the_example_secret(settings: Settings) -> None:
    local = settings.model_copy(update={"secret_key": Settings().secret_key, "debug": True})
    async with lifespan_client(create_app(local)) as client:
        assert (await client.get("/health")).status_code == 200
