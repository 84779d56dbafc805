"""Settings: read from the environment and from a .env file."""

from pathlib import Path

import pytest

from app.core.config import Settings


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
