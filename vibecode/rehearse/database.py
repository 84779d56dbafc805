"""A fresh database for each rehearsed step: a new SQLite file, or a throwaway PostgreSQL DB."""

from __future__ import annotations

import contextlib
import secrets
from pathlib import Path

from vibecode.serve.environment import POSTGRES_URL, SQLITE_FILE, sqlite_url


class FreshDatabase:
    """Hands out an empty database per step and removes it at the end."""

    def __init__(self, workspace: Path, *, kind: str, server_url: str = POSTGRES_URL) -> None:
        self.workspace = workspace
        self.kind = kind
        self.server_url = server_url
        # `_test`: the app's suite runs only on a database named as a test database.
        self.name = f"vibecode_rehearse_{secrets.token_hex(4)}_test"
        self._created = False

    def reset(self) -> str:
        """Empty the database; its URL."""
        if self.kind == "postgres":
            from vibecode.serve import postgres

            url = postgres.recreate_database(self.server_url, self.name)
            self._created = True
            return url
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                (self.workspace / f"{SQLITE_FILE}{suffix}").unlink()
        return sqlite_url(self.workspace)

    def drop(self) -> None:
        """Remove the throwaway PostgreSQL database (SQLite goes with the workspace)."""
        if self.kind == "postgres" and self._created:
            from vibecode.serve import postgres

            postgres.drop_database(self.server_url, self.name)
            self._created = False
