"""Settings: read from the environment, and refuse a guessable secret outside DEBUG."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from app import main
from app.core.config import MIN_SECRET_KEY_BYTES, PLACEHOLDER_SECRET_KEYS, Settings
from app.core.state import app_state
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
    env_file.write_text('APP_NAME="From dotenv"\nLOG_LEVEL=debug\n')
    settings = Settings(_env_file=env_file)
    assert settings.app_name == "From dotenv"
    assert settings.log_level == "DEBUG"


def _example_settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in Settings.model_fields:  # the environment would take precedence over the file
        monkeypatch.delenv(name.upper(), raising=False)
    return Settings(_env_file=ROOT / ".env.example")


def test_the_example_env_file_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _example_settings(monkeypatch)
    assert settings.database_url == "sqlite+aiosqlite:///./vibecoding_async.db"


async def test_the_example_env_file_is_safe_to_deploy_as_is(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Copied as is: no debug, and no start until a real secret is set.
    example = _example_settings(monkeypatch).model_copy(
        update={"database_url": f"sqlite+aiosqlite:///{tmp_path / 'example.db'}"}
    )
    assert example.debug is False
    with pytest.raises(ValueError, match="SECRET_KEY is not set"):
        async with lifespan_client(create_app(example)):
            pass


def test_the_secret_key_never_shows_in_a_repr(settings: Settings) -> None:
    assert settings.secret_key.get_secret_value() not in repr(settings)


UNSAFE_KEYS = {
    "empty": "",
    "short": "x",
    "31 bytes": "k" * (MIN_SECRET_KEY_BYTES - 1),
    **{f"placeholder {key}": key for key in sorted(PLACEHOLDER_SECRET_KEYS)},
    "placeholder in capitals": "CHANGEME",
}


@pytest.mark.parametrize("key", list(UNSAFE_KEYS.values()), ids=list(UNSAFE_KEYS))
async def test_app_refuses_to_start_with_a_guessable_secret(key: str, settings: Settings) -> None:
    unsafe = settings.model_copy(update={"secret_key": SecretStr(key), "debug": False})
    with pytest.raises(ValueError, match="SECRET_KEY") as raised:
        async with lifespan_client(create_app(unsafe)):
            pass
    message = str(raised.value)
    assert "\n" not in message and "anyone could forge tokens" in message
    assert "secrets.token_urlsafe(32)" in message  # says how to make a good one


async def test_a_key_of_32_bytes_starts(settings: Settings) -> None:
    fine = settings.model_copy(update={"secret_key": SecretStr("k" * MIN_SECRET_KEY_BYTES)})
    async with lifespan_client(create_app(fine)) as client:
        assert (await client.get("/health")).status_code == 200


async def test_debug_allows_a_short_or_placeholder_secret_but_not_none(settings: Settings) -> None:
    for key in ("changeme", "x"):
        local = settings.model_copy(update={"secret_key": SecretStr(key), "debug": True})
        async with lifespan_client(create_app(local)) as client:
            assert (await client.get("/health")).status_code == 200
    empty = settings.model_copy(update={"secret_key": SecretStr(""), "debug": True})
    with pytest.raises(ValueError, match="SECRET_KEY is not set"):
        async with lifespan_client(create_app(empty)):
            pass


HOW_TO_FIX = (
    'Set it to a random string (python -c "import secrets; print(secrets.token_urlsafe(32))").'
)


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("changeme", "is a published placeholder"),
        ("x" * (MIN_SECRET_KEY_BYTES - 1), f"is shorter than {MIN_SECRET_KEY_BYTES} bytes"),
        ("", "is not set"),
    ],
)
def test_the_refusal_says_what_is_wrong_and_how_to_fix_it(
    key: str, problem: str, settings: Settings
) -> None:
    unsafe = settings.model_copy(update={"secret_key": SecretStr(key)})
    with pytest.raises(ValueError) as raised:
        unsafe.check_secret_key()
    assert str(raised.value) == f"SECRET_KEY {problem}: anyone could forge tokens. {HOW_TO_FIX}"


def test_uvicorn_refuses_a_guessable_secret_in_one_line(tmp_path: Path) -> None:
    # The real server, as the README starts it: it stops before binding any port.
    environment = {  # only what it needs: nothing from the developer's environment
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "SECRET_KEY": "changeme",
        "DEBUG": "false",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'app.db'}",
    }
    server = subprocess.run(
        [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", "0"],
        cwd=tmp_path,  # no .env there
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert server.returncode != 0
    assert server.stdout == ""
    [line] = server.stderr.splitlines()
    assert line.startswith("SECRET_KEY ") and line.endswith(HOW_TO_FIX)


@pytest.fixture
def _unbuilt() -> Iterator[None]:
    """app.main as a fresh import has it: the served app not built yet (and not kept after)."""
    vars(main).pop("app", None)
    yield
    vars(main).pop("app", None)


@pytest.mark.usefixtures("_unbuilt")
def test_the_served_app_is_built_from_the_environment_once(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main, "get_settings", lambda: settings)
    served = main.app
    assert isinstance(served, FastAPI)
    assert app_state(served).settings is settings
    assert main.app is served  # looked up again: the same app


@pytest.mark.usefixtures("_unbuilt")
def test_an_unsafe_secret_stops_the_served_app_with_its_reason(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    unsafe = settings.model_copy(update={"secret_key": SecretStr("changeme")})
    monkeypatch.setattr(main, "get_settings", lambda: unsafe)
    with pytest.raises(SystemExit) as stopped:
        _ = main.app
    assert str(stopped.value.code) == (
        f"SECRET_KEY is a published placeholder: anyone could forge tokens. {HOW_TO_FIX}"
    )


def test_other_names_are_not_in_the_main_module() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'apps'"):
        _ = main.apps
