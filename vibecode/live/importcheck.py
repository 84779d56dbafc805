"""Does the workspace app still import? Asked after every typed hunk, so it has to be quick.

One checker process per session preloads the heavy libraries the app uses (FastAPI, SQLAlchemy,
Pydantic...), then forks a child per question: the child imports `app.main` fresh from the disk
(the checker itself never imports the workspace's code) and reports. About a tenth of a second
per check instead of a second for a new interpreter. Bytecode goes to a fresh folder per check:
two states of a file typed within the same second and of the same size would otherwise share a
stale `.pyc`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import TracebackType

from vibecode.errors import VibecodeError
from vibecode.serve.environment import app_environment
from vibecode.serve.preflight import IMPORT_CHECK, short_traceback

CHECK_TIMEOUT_S = 60.0
PRELOAD = (
    "fastapi",
    "starlette.applications",
    "pydantic",
    "pydantic_settings",
    "sqlalchemy",
    "sqlalchemy.ext.asyncio",
    "sqlalchemy.orm",
    "aiosqlite",
    "asyncpg",
    "jwt",
    "pwdlib",
    "email_validator",
    "multipart",
)

CHECKER = r"""
import importlib, json, os, shutil, sys, tempfile, traceback
for name in json.loads(sys.argv[1]):
    try:
        importlib.import_module(name)
    except Exception:
        pass
sys.stdout.write("ready\n"); sys.stdout.flush()
for line in sys.stdin:
    read, write = os.pipe()
    # Fresh bytecode for every check (a same-size save within a second must not hit a stale
    # cache); the parent removes it, since the child leaves through os._exit.
    scratch = tempfile.mkdtemp(prefix="vibecode-check-")
    pid = os.fork()
    if pid == 0:
        os.close(read)
        sys.pycache_prefix = scratch
        try:
            exec(compile(sys.argv[2], "<check>", "exec"), {})
            answer = {"ok": True}
        except BaseException:
            answer = {"ok": False, "error": traceback.format_exc()}
        os.write(write, json.dumps(answer).encode())
        os._exit(0)
    os.close(write)
    chunks = []
    while True:
        chunk = os.read(read, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read)
    os.waitpid(pid, 0)
    shutil.rmtree(scratch, ignore_errors=True)
    data = b"".join(chunks) or b'{"ok": false, "error": "the check died"}'
    sys.stdout.write(data.decode() + "\n"); sys.stdout.flush()
"""


class ImportChecker:
    """A long-lived checker process for one workspace, started by the first check; a context
    manager that stops it."""

    def __init__(self, workspace: Path, *, database_url: str | None = None) -> None:
        self.workspace = workspace
        self.database_url = database_url
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> ImportChecker:
        return self

    def _start(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-c", CHECKER, json.dumps(PRELOAD), IMPORT_CHECK],
            cwd=self.workspace,
            env={
                **app_environment(self.workspace, database_url=self.database_url),
                "PYTHONDONTWRITEBYTECODE": "1",
            },
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        if self._readline() != "ready":
            self.close()
            raise VibecodeError("the import checker did not start")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def check(self) -> str | None:
        """None when `app.main` imports from the disk as it is now, else the short reason."""
        if not (self.workspace / "app" / "main.py").is_file():
            return None  # no app yet (the first files of the first step)
        if self._process is None:
            self._start()
        process = self._process
        assert process is not None and process.stdin is not None
        process.stdin.write("check\n")
        process.stdin.flush()
        answer = json.loads(self._readline())
        if answer.get("ok"):
            return None
        return short_traceback(str(answer.get("error", "")), self.workspace)

    def close(self) -> None:
        """Stop the checker process."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()

    def _readline(self) -> str:
        process = self._process
        assert process is not None and process.stdout is not None
        line = process.stdout.readline()
        if not line:
            raise VibecodeError("the import checker stopped unexpectedly")
        return line.strip()
