"""Settings: read from the environment, and refuse the example secret outside DEBUG."""

from pathlib import Path

import pytest
from pydantic import SecretStr

from app.core.config import DEFAULT_SECRET_KEY, Settings
from app.main import create_app
from tests.helpers import ROOT, lifespan_client


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_NAME", "Workshop")
    monkeypatch.setenv("DEBUG", "true")
    monkeypatch.setenv("DATABASE_URL", "sqlite+aiosqlite:///./other.db")
    settings = Settings(_env_file=None)
    assert settings.app_name == "Workshop"
    assert settings.debug is True
    assert settings.database_url == "sqlite+aiosqlite:///./other.db"


def test_settings_come_from_a_dotenv_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text('APP_NAME="From dotenv"\n')
    settings = Settings(_env_file=env_file)
    assert settings.app_name == "From dotenv"


def test_the_example_env_file_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in Settings.model_fields:  # the environment would take precedence over the file
        monkeypatch.delenv(name.upper(), raising=False)
    settings = Settings(_env_file=ROOT / ".env.example")
    assert settings.database_url == "sqlite+aiosqlite:///./vibecoding_async.db"
    assert settings.secret_key.get_secret_value() == DEFAULT_SECRET_KEY


def test_the_secret_key_never_shows_in_a_repr(settings: Settings) -> None:
    assert settings.secret_key.get_secret_value() not in repr(settings)


async def test_app_refuses_to_start_with_the_example_secret(settings: Settings) -> None:
    unsafe = settings.model_copy(
        update={"secret_key": SecretStr(DEFAULT_SECRET_KEY), "debug": False}
    )
    assert unsafe.secret_key.get_secret_value() == DEFAULT_SECRET_KEY
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        async with lifespan_client(create_app(unsafe)):
            pass


async def test_debug_allows_the_example_secret(settings: Settings) -> None:
    local = settings.model_copy(update={"secret_key": SecretStr(DEFAULT_SECRET_KEY), "debug": True})
    async with lifespan_client(create_app(local)) as client:
        assert (await client.get("/health")).status_code == 200
