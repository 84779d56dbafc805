"""Pre-flight checks and migrations, with real sockets and real Alembic subprocesses."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
from pathlib import Path

import pytest

from tool_tests.serve import fixtures
from vibecode.errors import VibecodeError
from vibecode.serve import migrations, preflight
from vibecode.serve.environment import app_environment


def test_a_busy_port_names_the_process_holding_it() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(VibecodeError) as caught:
            preflight.check_port("127.0.0.1", port)

    message = str(caught.value)
    assert f"port {port} is already in use" in message
    assert f"pid {os.getpid()}" in message
    assert f"--port {port + 1}" in message


def test_a_free_port_passes() -> None:
    preflight.check_port("127.0.0.1", preflight.free_port())


def test_a_broken_app_shows_its_own_error_short(app_workspace: Path) -> None:
    (app_workspace / "app" / "main.py").write_text("from fastapi import FastAPI\n\napp = (\n")

    with pytest.raises(VibecodeError) as caught:
        preflight.check_app_imports(
            app_workspace, app_environment(app_workspace, database_url=None)
        )

    message = str(caught.value)
    assert message.startswith("the workspace app fails to import: SyntaxError:")
    assert "(app/main.py:3)" in message
    assert "\n" not in message


def test_an_import_error_points_at_the_workspace_line(app_workspace: Path) -> None:
    (app_workspace / "app" / "main.py").write_text("import os\nimport no_such_module_here\n")

    with pytest.raises(
        VibecodeError, match=r"No module named 'no_such_module_here' \(app/main.py:2\)"
    ):
        preflight.check_app_imports(
            app_workspace, app_environment(app_workspace, database_url=None)
        )


def test_an_empty_workspace_says_which_step_to_apply(tmp_path: Path) -> None:
    with pytest.raises(VibecodeError, match=r"no app/main\.py") as caught:
        preflight.check_app_imports(tmp_path, app_environment(tmp_path, database_url=None))
    assert "vibecode goto 1" in str(caught.value)


def test_short_traceback_prefers_the_workspace_frame(tmp_path: Path) -> None:
    stderr = (
        "Traceback (most recent call last):\n"
        f'  File "{tmp_path}/app/main.py", line 7, in <module>\n'
        "    from app.core import config\n"
        '  File "/usr/lib/python3/site-packages/pydantic/main.py", line 99, in __init__\n'
        "pydantic_core.ValidationError: 1 validation error for Settings\n"
    )
    assert preflight.short_traceback(stderr, tmp_path) == (
        "pydantic_core.ValidationError: 1 validation error for Settings (app/main.py:7)"
    )


def test_unreachable_postgres_is_one_clear_line() -> None:
    port = preflight.free_port()
    with pytest.raises(VibecodeError, match=f"PostgreSQL is not reachable at 127.0.0.1:{port}"):
        preflight.check_postgres(f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres")


def test_no_alembic_means_nothing_to_migrate(app_workspace: Path) -> None:
    assert migrations.upgrade(app_workspace, database_url=None).ran is False


def tables(workspace: Path) -> set[str]:
    with sqlite3.connect(workspace / "vibecode.db") as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        return {name for (name,) in rows} - {"alembic_version"}


def test_going_back_a_step_moves_the_sqlite_database_aside(app_workspace: Path) -> None:
    fixtures.add_migrations(app_workspace, revisions=2)
    first = migrations.upgrade(app_workspace, database_url=None)
    assert first.ran and first.moved_aside is None
    assert tables(app_workspace) == {"t1", "t2"}

    (app_workspace / "migrations" / "versions" / "r2.py").unlink()  # back to step "1"
    shutil.rmtree(app_workspace / "migrations" / "versions" / "__pycache__", ignore_errors=True)
    result = migrations.upgrade(app_workspace, database_url=None)

    assert result.moved_aside is not None
    assert result.moved_aside.parent == app_workspace / ".vibecode" / "saved-db"
    assert result.moved_aside.exists()
    assert tables(app_workspace) == {"t1"}


def test_applied_revisions_come_from_alembics_log() -> None:
    log = (
        "INFO  [alembic.runtime.migration] Will assume non-transactional DDL.\n"
        "INFO  [alembic.runtime.migration] Running upgrade  -> 0001_users, Create users.\n"
        "INFO  [alembic.runtime.migration] Running upgrade 0001_users -> 0002_posts, Posts.\n"
    )
    assert migrations.applied_revisions(log) == ("0001_users", "0002_posts")
    assert migrations.applied_revisions("INFO  [alembic] Context impl SQLiteImpl.") == ()


def test_a_failing_migration_gives_alembics_reason(app_workspace: Path) -> None:
    fixtures.add_migrations(app_workspace, revisions=1)
    bad = app_workspace / "migrations" / "versions" / "r1.py"
    bad.write_text(bad.read_text().replace("CREATE TABLE", "CREATE TABEL"))

    with pytest.raises(VibecodeError, match=r"migrations failed: .*OperationalError.*syntax error"):
        migrations.upgrade(app_workspace, database_url=None)


def test_another_sqlite_file_at_an_unknown_revision_says_what_to_do(
    app_workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    def unknown_revision(workspace: Path, url: str) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(
            [], 255, "", "FAILED: Can't locate revision identified by 'r9'\n"
        )

    fixtures.add_migrations(app_workspace, revisions=1)
    monkeypatch.setattr(migrations, "_alembic_upgrade", unknown_revision)
    theirs = f"sqlite+aiosqlite:///{tmp_path / 'theirs.db'}"
    with pytest.raises(
        VibecodeError, match="a migration revision this step does not know"
    ) as caught:
        migrations.upgrade(app_workspace, database_url=theirs)
    assert "alembic downgrade" in str(caught.value)
