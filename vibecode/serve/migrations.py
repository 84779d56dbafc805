"""Alembic migrations of a workspace, run in a subprocess with the workspace's environment."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from dataclasses import dataclass, replace
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
    schema_aside: str | None = None
    """The PostgreSQL schema an out-of-date database was renamed to before rebuilding it."""
    database_url: str = ""

    @property
    def kept_at(self) -> str | None:
        """Where the old data is, in words (a file, or a schema of a PostgreSQL database)."""
        return kept_at(self.moved_aside, self.schema_aside, self.database_url)


def kept_at(moved_aside: Path | None, schema_aside: str | None, database_url: str) -> str | None:
    """`.vibecode/saved-db/...` or `schema vibecode_saved_... of PostgreSQL database X`."""
    if moved_aside is not None:
        return str(moved_aside)
    if schema_aside:
        from vibecode.serve.postgres import database_name

        return (
            f"schema {schema_aside} of PostgreSQL database {database_name(database_url)} "
            f"(DROP SCHEMA {schema_aside} CASCADE when you no longer need it)"
        )
    return None


def upgrade(workspace: Path, *, database_url: str | None) -> MigrationResult:
    """`alembic upgrade head` in the workspace; rebuild the database when it is from later.

    Going back to a step whose migrations do not know the database's revision: the data is
    kept aside and the database rebuilt, the same on both databases (`set_aside`): the
    workspace's SQLite file moves to `.vibecode/saved-db/`, a PostgreSQL schema is renamed.
    Any other SQLite file (DATABASE_URL) is never moved: the error says what to do.
    """
    if not (workspace / "alembic.ini").is_file():
        return MigrationResult(ran=False)
    url = database_url or sqlite_url(workspace)
    completed = _alembic_upgrade(workspace, url)
    if completed.returncode == 0:
        return MigrationResult(
            ran=True, applied=applied_revisions(completed.stderr), database_url=url
        )
    output = completed.stdout + completed.stderr
    if UNKNOWN_REVISION not in output:
        raise VibecodeError(f"migrations failed: {_short_reason(output)}")
    if database_kind(url) != "postgres" and url != sqlite_url(workspace):
        raise VibecodeError(
            "the database is at a migration revision this step does not know (it comes from a "
            "later step)",
            hint="go back to the later step and run `alembic downgrade <revision>` there, "
            "or point DATABASE_URL at an empty database",
        )
    aside = set_aside(workspace, url)
    completed = _alembic_upgrade(workspace, url)
    if completed.returncode != 0:
        raise VibecodeError(
            f"migrations failed: {_short_reason(completed.stdout + completed.stderr)}"
        )
    return replace(aside, ran=True, applied=applied_revisions(completed.stderr))


def set_aside(workspace: Path, database_url: str) -> MigrationResult:
    """Keep the database's data aside and leave it empty: the SQLite file or the schema moves."""
    if database_kind(database_url) == "postgres":
        from vibecode.serve.postgres import set_schema_aside

        schema = set_schema_aside(database_url, stamp=_stamp())
        return MigrationResult(ran=False, schema_aside=schema or None, database_url=database_url)
    if database_url != sqlite_url(workspace):
        raise VibecodeError(
            "DATABASE_URL names a SQLite file outside the workspace: the tool leaves it alone",
            hint="move or delete it yourself, or unset DATABASE_URL",
        )
    if not (workspace / SQLITE_FILE).exists():
        return MigrationResult(ran=False, database_url=database_url)
    return MigrationResult(
        ran=False, moved_aside=move_database_aside(workspace), database_url=database_url
    )


def _stamp() -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())


def applied_revisions(log: str) -> tuple[str, ...]:
    """Revisions named in Alembic's `Running upgrade a -> b, message` lines."""
    return tuple(match["revision"] for match in RUNNING_UPGRADE.finditer(log))


def move_database_aside(workspace: Path) -> Path:
    """Move the workspace's SQLite file (and its WAL files) to `.vibecode/saved-db/`."""
    folder = state_dir(workspace) / SAVED_DB_DIR
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{_stamp()}-{SQLITE_FILE}"
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


def reset_database(workspace: Path, *, database_url: str | None) -> MigrationResult:
    """`vibecode db reset`: keep the data aside, then migrate the empty database to this step.

    Refused while a server of the workspace runs: its open connections would go on using the
    old data (SQLite keeps the moved file open; PostgreSQL may keep prepared statements).
    """
    from vibecode.serve import record

    running = record.read_server(workspace)
    if running is not None:
        raise VibecodeError(
            f"a server of this workspace runs at {running.url} (pid {running.pid}) and holds the "
            "database open",
            hint="stop it first (Ctrl-C in its terminal); serve migrates the database as it starts",
        )
    url = database_url or sqlite_url(workspace)
    aside = set_aside(workspace, url)
    migrated = upgrade(workspace, database_url=url)
    return replace(aside, ran=migrated.ran, applied=migrated.applied)
