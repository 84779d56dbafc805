"""Alembic migrations of a workspace, run in a subprocess with the workspace's environment."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from vibecode.errors import VibecodeError
from vibecode.paths import state_dir
from vibecode.serve.environment import SQLITE_FILE, app_environment, database_kind, sqlite_url
from vibecode.serve.preflight import last_error_line

MIGRATION_TIMEOUT = 120.0
UNKNOWN_REVISION = "Can't locate revision"
SAVED_DB_DIR = "saved-db"
RUNNING_UPGRADE = re.compile(r"Running upgrade [^\n]*?-> (?P<revision>[^,\s]+)")


@dataclass(frozen=True)
class MigrationResult:
    """What `upgrade` did."""

    ran: bool
    """False when the workspace has no alembic.ini (a step before migrations exist)."""
    moved_aside: Path | None = None
    """Where an out-of-date SQLite database was moved before rebuilding it."""
    applied: tuple[str, ...] = ()
    """The revisions this run applied (`0002_posts`), from Alembic's log; empty when up to date."""


def upgrade(workspace: Path, *, database_url: str | None) -> MigrationResult:
    """`alembic upgrade head` in the workspace; rebuild the workspace's SQLite DB when needed.

    Going back to a step whose migrations do not know the database's revision: the workspace's
    own SQLite file is moved to `.vibecode/saved-db/` and rebuilt; for any other database the
    error says what to do.
    """
    if not (workspace / "alembic.ini").is_file():
        return MigrationResult(ran=False)
    url = database_url or sqlite_url(workspace)
    completed = _alembic_upgrade(workspace, url)
    if completed.returncode == 0:
        return MigrationResult(ran=True, applied=applied_revisions(completed.stderr))
    output = completed.stdout + completed.stderr
    if UNKNOWN_REVISION not in output:
        raise VibecodeError(f"migrations failed: {_short_reason(output)}")
    if url != sqlite_url(workspace):
        what = "PostgreSQL" if database_kind(url) == "postgres" else "the database"
        raise VibecodeError(
            f"{what} is at a migration revision this step does not know (it comes from a later "
            "step)",
            hint="go back to the later step and run `alembic downgrade <revision>` there, "
            "or empty the database (DROP SCHEMA public CASCADE; CREATE SCHEMA public;)",
        )
    moved = move_database_aside(workspace)
    completed = _alembic_upgrade(workspace, url)
    if completed.returncode != 0:
        raise VibecodeError(
            f"migrations failed: {_short_reason(completed.stdout + completed.stderr)}"
        )
    return MigrationResult(ran=True, moved_aside=moved, applied=applied_revisions(completed.stderr))


def applied_revisions(log: str) -> tuple[str, ...]:
    """Revisions named in Alembic's `Running upgrade a -> b, message` lines."""
    return tuple(match["revision"] for match in RUNNING_UPGRADE.finditer(log))


def move_database_aside(workspace: Path) -> Path:
    """Move the workspace's SQLite file (and its WAL files) to `.vibecode/saved-db/`."""
    folder = state_dir(workspace) / SAVED_DB_DIR
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    target = folder / f"{stamp}-{SQLITE_FILE}"
    for suffix in ("", "-wal", "-shm"):
        source = workspace / f"{SQLITE_FILE}{suffix}"
        if source.exists():
            source.replace(target.with_name(target.name + suffix))
    return target


def _alembic_upgrade(workspace: Path, database_url: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            [sys.executable, "-m", "alembic", "upgrade", "head"],
            cwd=workspace,
            env=app_environment(workspace, database_url=database_url),
            capture_output=True,
            text=True,
            timeout=MIGRATION_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise VibecodeError(
            f"migrations took longer than {MIGRATION_TIMEOUT:.0f} s",
            hint="is the database locked by another process?",
        ) from None


def _short_reason(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    failed = [line for line in lines if line.startswith("FAILED:")]
    if failed:
        return failed[-1].removeprefix("FAILED:").strip()
    return last_error_line(lines) if lines else "alembic exited without a message"
