"""The workspace subprocess environment and the server record."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from vibecode.serve import record
from vibecode.serve.environment import (
    POSTGRES_URL,
    app_environment,
    resolve_database_url,
    secret_key,
    sqlite_url,
)


def test_environment_points_at_the_workspace(tmp_path: Path) -> None:
    env = app_environment(tmp_path, database_url=None)

    assert env["PYTHONPATH"] == str(tmp_path)
    assert env["DATABASE_URL"] == f"sqlite+aiosqlite:///{tmp_path}/vibecode.db"
    assert env["DEMO_ENDPOINTS"] == "true"
    assert env["DEBUG"] == "false"
    assert env["PATH"] == os.environ["PATH"]


def test_the_workspaces_env_file_decides_debug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEBUG", "true")  # a developer's shell never decides it
    assert app_environment(tmp_path, database_url=None)["DEBUG"] == "false"
    (tmp_path / ".env").write_text("APP_NAME=x\ndebug=ture\n")  # step 2's "If it breaks"
    assert "DEBUG" not in app_environment(tmp_path, database_url=None)


def test_the_tests_environment_is_the_same_recipe_without_the_servers_settings(
    tmp_path: Path,
) -> None:
    env = app_environment(tmp_path, database_url="sqlite+aiosqlite:///x.db", tests=True)

    assert env["PYTHONPATH"] == str(tmp_path)
    assert env["DATABASE_URL"] == env["TEST_DATABASE_URL"] == "sqlite+aiosqlite:///x.db"
    assert "DEMO_ENDPOINTS" not in env or env["DEMO_ENDPOINTS"] == os.environ["DEMO_ENDPOINTS"]
    assert not (tmp_path / ".vibecode" / "secret").exists()  # no server secret for the tests


def test_secret_key_is_generated_once_private_and_never_the_default(tmp_path: Path) -> None:
    first = secret_key(tmp_path)
    path = tmp_path / ".vibecode" / "secret"

    assert secret_key(tmp_path) == first
    assert app_environment(tmp_path, database_url=None)["SECRET_KEY"] == first
    assert len(first) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret_key(tmp_path / "other") != first


def test_database_url_choice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_database_url(tmp_path) == sqlite_url(tmp_path)
    assert resolve_database_url(tmp_path, "postgres") == POSTGRES_URL

    custom = "postgresql+asyncpg://me@db.example:5433/talk"
    monkeypatch.setenv("DATABASE_URL", custom)
    assert resolve_database_url(tmp_path) == custom
    assert resolve_database_url(tmp_path, "postgres") == custom
    assert resolve_database_url(tmp_path, "sqlite") == sqlite_url(tmp_path)


def _record(pid: int) -> record.ServerRecord:
    return record.ServerRecord(
        url="http://127.0.0.1:8123",
        pid=pid,
        host="127.0.0.1",
        port=8123,
        database="sqlite",
        tap="/tmp/vibecode-tap-x",
        log="/tmp/log",
        started_at=1.0,
        step=2,
    )


def test_record_round_trip_for_a_live_process(tmp_path: Path) -> None:
    record.write_server(tmp_path, _record(os.getpid()))

    assert record.read_server(tmp_path) == _record(os.getpid())


def test_record_of_a_dead_process_is_stale(tmp_path: Path) -> None:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)  # fmt: skip
    record.write_server(tmp_path, _record(int(finished.stdout)))

    assert record.read_server(tmp_path) is None


def test_record_is_removed_only_by_its_owner(tmp_path: Path) -> None:
    record.write_server(tmp_path, _record(os.getpid()))

    record.remove_server(tmp_path, owner=os.getpid() + 1)
    assert record.record_path(tmp_path).exists()
    record.remove_server(tmp_path, owner=os.getpid())
    assert not record.record_path(tmp_path).exists()


def test_corrupt_record_reads_as_absent(tmp_path: Path) -> None:
    record.record_path(tmp_path).parent.mkdir(parents=True)
    record.record_path(tmp_path).write_text("{not json", encoding="utf-8")

    assert record.read_server(tmp_path) is None
