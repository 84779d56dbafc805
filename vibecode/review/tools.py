"""The well-kept tools that already cover rules: ruff, mypy, alembic, and the project's own app.

Each runs as a subprocess in the project's folder (the tool never imports the project's code);
`start_all` starts them together and `Tool.findings()` waits for each one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vibecode.review.project import Project
from vibecode.review.rules import Finding

TIMEOUT = 120.0

# ruff's codes -> our rules. ASYNC2xx are the blocking calls in async functions (time.sleep,
# sync HTTP clients, open(), subprocess, os.wait...), T201/T203 print and pprint.
RUFF_SELECT = ("ASYNC2", "T201", "T203")


def _ruff_rule(code: str) -> str | None:
    if code.startswith("ASYNC2"):
        return "VC103"
    if code in {"T201", "T203"}:
        return "VC301"
    return None


def project_environment(project: Project, database_url: str) -> dict[str, str]:
    """The environment the project's code runs in: its folder first, a throwaway database.

    A random SECRET_KEY that is never written anywhere: the review writes nothing into the
    project (unlike `vibecode serve`, which keeps the workspace's key in .vibecode/secret).
    """
    environment = dict(os.environ)
    environment.update(
        PYTHONPATH=str(project.root),
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(48),
        DEMO_ENDPOINTS="true",
        DEBUG="false",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return environment


@dataclass
class Tool:
    """One started tool and how to read its result."""

    name: str
    process: subprocess.Popen[str]
    read: Callable[[str, int], list[Finding]]
    """(stdout, exit code) -> findings."""

    def findings(self) -> list[Finding]:
        """Wait for the tool and translate what it reported."""
        try:
            output, errors = self.process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()
            return [Finding("VC901", ".", 0, f"{self.name} did not finish in {TIMEOUT:.0f} s")]
        return self.read(output + ("\n" + errors if errors else ""), self.process.returncode)


def _start(args: list[str], project: Project, env: dict[str, str] | None = None) -> Any:
    return subprocess.Popen(
        args,
        cwd=project.root,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def start_ruff(project: Project) -> Tool | None:
    """ruff's ASYNC and print rules on the app (noqa comments are honoured, as in any project)."""
    files = [str(path) for path in project.python_files(project.app_dir)]
    if not files:
        return None
    select = ",".join(RUFF_SELECT)
    args = [sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache"]
    args += ["--select", select, "--output-format", "json", "--exit-zero", *files]

    def read(output: str, code: int) -> list[Finding]:
        try:
            reported = json.loads(output[: output.rfind("]") + 1] or "[]")
        except json.JSONDecodeError:
            return [Finding("VC901", ".", 0, f"ruff: {_last_line(output)}")]
        found = []
        for item in reported:
            rule = _ruff_rule(str(item.get("code") or ""))
            if rule is not None:
                detail = f"{item['code']} {item['message']}"
                found.append(
                    Finding(
                        rule, project.relative(item["filename"]), item["location"]["row"], detail
                    )
                )
        return found

    return Tool("ruff", _start(args, project), read)


def start_mypy(project: Project, cache_root: Path, scratch: Path) -> Tool | None:
    """mypy's `unused-coroutine` check: a coroutine called without await (other errors ignored)."""
    files = [str(path) for path in project.app_files()]
    if not files:
        return None
    # An empty config of our own: the project's own mypy settings (plugins, strictness) are not
    # the review's business, and its other errors are dropped below anyway.
    config = scratch / "mypy.ini"
    config.write_text("[mypy]\n", encoding="utf-8")
    key = hashlib.sha256(str(project.root).encode()).hexdigest()[:16]
    args = [sys.executable, "-m", "mypy", "--config-file", str(config)]
    args += ["--ignore-missing-imports", "--follow-imports=silent", "--no-error-summary"]
    args += ["--cache-dir", str(cache_root / "mypy" / key), "--output", "json", *files]
    env = dict(os.environ, PYTHONPATH=str(project.root), MYPYPATH=str(project.root))

    def read(output: str, code: int) -> list[Finding]:
        found = []
        for line in output.splitlines():
            if not line.startswith("{"):
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError:
                continue
            if item.get("code") == "unused-coroutine":
                path = project.relative(project.root / item["file"])
                found.append(Finding("VC104", path, int(item["line"]), item["message"]))
        return found

    return Tool("mypy", _start(args, project, env), read)


def start_probe(project: Project, scratch: Path) -> tuple[Tool, Path]:
    """The project's tables, routes and OpenAPI document, from its own code in a subprocess."""
    out = scratch / "probe.json"
    env = project_environment(project, f"sqlite+aiosqlite:///{scratch / 'probe.db'}")
    args = [sys.executable, "-m", "vibecode.review.probe", str(out)]

    def read(output: str, code: int) -> list[Finding]:
        if code != 0 or not out.is_file():
            return [Finding("VC901", "app", 0, f"the probe failed: {_last_line(output)}")]
        return []

    return Tool("probe", _start(args, project, env), read), out


def start_alembic_check(project: Project, scratch: Path) -> Tool | None:
    """`alembic upgrade head` on an empty SQLite database, then `alembic check`."""
    if project.versions_dir is None:
        return None
    env = project_environment(project, f"sqlite+aiosqlite:///{scratch / 'alembic.db'}")
    alembic = f"{sys.executable!s} -m alembic -c alembic.ini"
    # One shell line: the check only means something once the upgrade went through.
    script = f"{alembic} upgrade head && echo VIBECODE-UPGRADED && {alembic} check"
    process = _start(["/bin/sh", "-c", script], project, env)

    def read(output: str, code: int) -> list[Finding]:
        if code == 0:
            return []
        if "VIBECODE-UPGRADED" not in output:
            return [
                Finding("VC401", "alembic.ini", 1, f"upgrade head failed: {_last_line(output)}")
            ]
        for line in output.splitlines():
            if "upgrade operations detected" in line:
                return [Finding("VC401", "alembic.ini", 1, _operations(line))]
        return [Finding("VC401", "alembic.ini", 1, _last_line(output))]

    return Tool("alembic", process, read)


def _operations(line: str) -> str:
    """alembic check's operation list, short: "add_table tags, add_index ix_tags_public_id"."""
    found = re.findall(r"\('(\w+)', \w+\('([^']+)'", line)
    return ", ".join(f"{op} {name}" for op, name in found) or line.split("FAILED:")[-1][:300]


def _last_line(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no output"
