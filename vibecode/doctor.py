"""`vibecode doctor`: the pre-flight check before a talk, each problem with its fix."""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from vibecode.errors import VibecodeError

if TYPE_CHECKING:
    from rich.console import Console

MIN_PYTHON = (3, 11)
KEY_PACKAGES = (
    "fastapi", "uvicorn", "sqlalchemy", "alembic", "aiosqlite", "asyncpg", "httpx", "aiohttp",
    "typer", "rich", "textual",
)  # fmt: skip


@dataclass(frozen=True)
class Finding:
    """One line of the doctor's report: `ok` None means informational (no verdict)."""

    check: str
    ok: bool | None
    detail: str
    fix: str = ""


def check_python(version: tuple[int, ...] = tuple(sys.version_info[:3])) -> Finding:
    """Python 3.11 or newer."""
    shown = ".".join(map(str, version))
    if version[:2] >= MIN_PYTHON:
        return Finding("Python", True, shown)
    return Finding("Python", False, shown, "install Python 3.11 or newer and rerun `make demo`")


def check_packages(version: Callable[[str], str] = metadata.version) -> Finding:
    """The key packages are installed; their versions."""
    found: list[str] = []
    missing: list[str] = []
    for name in KEY_PACKAGES:
        try:
            found.append(f"{name} {version(name)}")
        except metadata.PackageNotFoundError:
            missing.append(name)
    if missing:
        return Finding(
            "Packages", False, "missing: " + ", ".join(missing), "run `pip install -e .` (or make)"
        )
    return Finding("Packages", True, ", ".join(found))


def check_port(host: str, port: int) -> Finding:
    """The serving port is free."""
    from vibecode.serve import preflight

    try:
        preflight.check_port(host, port)
    except VibecodeError as error:
        return Finding("Port", False, error.message, error.hint or "")
    return Finding("Port", True, f"{host}:{port} is free")


def check_workspace(workspace: Path) -> Finding:
    """The workspace (or the folder that will hold it) is writable."""
    target = workspace if workspace.is_dir() else _existing_parent(workspace)
    try:
        with tempfile.NamedTemporaryFile(dir=target, prefix=".vibecode-doctor-"):
            pass
    except OSError as exc:
        return Finding(
            "Workspace",
            False,
            f"{target} is not writable ({exc.strerror})",
            "pick another folder with --workspace or VIBECODE_WORKSPACE",
        )
    state = "exists" if workspace.is_dir() else "will be created by `vibecode goto 1`"
    return Finding("Workspace", True, f"{workspace} ({state})")


def check_sqlite(workspace: Path) -> Finding:
    """SQLite can create and write a database file where the workspace's will live."""
    target = workspace if workspace.is_dir() else _existing_parent(workspace)
    try:
        with tempfile.TemporaryDirectory(dir=target, prefix=".vibecode-doctor-") as scratch:
            connection = sqlite3.connect(Path(scratch) / "probe.db")
            try:
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute("CREATE TABLE probe (id INTEGER PRIMARY KEY)")
                connection.execute("INSERT INTO probe DEFAULT VALUES")
                connection.commit()
            finally:
                connection.close()
    except (OSError, sqlite3.Error) as exc:
        return Finding(
            "Database", False, f"SQLite cannot write in {target}: {exc}", "use another workspace"
        )
    return Finding("Database", True, f"SQLite {sqlite3.sqlite_version}, writable in {target}")


def check_postgres(database_url: str) -> Finding:
    """PostgreSQL accepts a connection and answers a query."""
    from vibecode.serve import postgres, preflight

    try:
        preflight.check_postgres(database_url)
        version = "PostgreSQL " + postgres.server_version(database_url)
    except VibecodeError as error:
        return Finding("PostgreSQL", False, error.message, error.hint or "")
    return Finding("PostgreSQL", True, version)


def check_terminal(size: os.terminal_size | None = None, *, is_tty: bool | None = None) -> Finding:
    """The terminal is at least the dashboard's minimum size."""
    tty = sys.stdout.isatty() if is_tty is None else is_tty
    if not tty and size is None:
        return Finding("Terminal", None, "not a terminal: size not checked")
    from vibecode import terminal

    columns, lines = size or shutil.get_terminal_size()
    shown = f"{columns}x{lines}"
    minimum = terminal.minimum()
    if terminal.fits(columns, lines):
        layout = (
            "full layout"
            if columns >= terminal.FULL_WIDTH and lines >= terminal.FULL_HEIGHT
            else "compact layout"
        )
        return Finding("Terminal", True, f"{shown}: the dashboard's {layout} (it needs {minimum})")
    return Finding(
        "Terminal",
        False,
        f"{shown} is smaller than the dashboard's {minimum}",
        "enlarge the window or make the font smaller",
    )


def _existing_parent(path: Path) -> Path:
    for parent in path.parents:
        if parent.is_dir():
            return parent
    return Path.cwd()


def diagnose(workspace: Path, *, host: str, port: int, database_url: str | None) -> list[Finding]:
    """Every check, in the order shown."""
    findings = [
        check_python(),
        check_packages(),
        check_port(host, port),
        check_workspace(workspace),
        check_sqlite(workspace),
    ]
    if database_url is not None:
        findings.append(check_postgres(database_url))
    findings.append(check_terminal())
    return findings


def render_findings(console: Console, findings: list[Finding]) -> None:
    """A table: check, verdict, detail and fix."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="vibecode doctor", title_justify="left", expand=False)
    table.add_column("Check", style="bold")
    table.add_column("", justify="center")
    table.add_column("Detail")
    table.add_column("Fix", style="yellow")
    marks = {True: "[green]✓[/]", False: "[bold red]✗[/]", None: "[dim]-[/]"}
    for finding in findings:
        table.add_row(finding.check, marks[finding.ok], escape(finding.detail), escape(finding.fix))
    console.print(table)
    problems = sum(1 for finding in findings if finding.ok is False)
    if problems:
        console.print(f"[bold red]{problems} problem{'s' if problems > 1 else ''} to fix.[/]")
    else:
        console.print("[bold green]Ready for the talk.[/]")
