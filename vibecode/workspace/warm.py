"""A warm pytest for `check --watch`: a process that keeps the libraries imported between runs.

Most of a small check is start-up: the interpreter, pytest and its plugins, FastAPI, SQLAlchemy,
Pydantic. `python -m vibecode.workspace.warm` imports those once and forks a child for every
run; the child imports the workspace's own code afresh (it was never imported in the parent,
and `pytest_report` compiles it from source), so every run sees the attendee's latest code.
After each run the child lists the modules it imported from outside the workspace, and the
parent imports them while the attendee types, so the next child starts with them loaded.

Requests and answers are JSON lines on stdin/stdout. `WarmRunner` is the tool's side: a
`checks.Runner` that falls back to a plain subprocess whenever the warm process is gone.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

NEVER_PRELOADED = ("vibecode", "app", "tests", "conftest", "__main__", "__mp_main__")


def main() -> None:
    """The warm process: answer each run request with the exit code of a forked pytest."""
    preload(["pytest", "_pytest.python", "_pytest.assertion.rewrite"])
    out = sys.stdout
    for line in sys.stdin:
        try:
            request: dict[str, Any] = json.loads(line)
        except ValueError:
            continue
        pid = os.fork()
        if pid == 0:
            _child(request)
        _, status = os.waitpid(pid, 0)
        out.write(json.dumps({"exit": os.waitstatus_to_exitcode(status)}) + "\n")
        out.flush()
        preload(_read_names(Path(request["modules"])), roots=[Path(request["cwd"])])


def preload(names: Iterable[str], *, roots: Sequence[Path] = ()) -> None:
    """Import these modules here, so forked children find them loaded (never workspace code)."""
    import importlib

    shadowed = {p.name.removesuffix(".py") for root in roots for p in _entries(root)}
    # Public modules only, packages before their modules: importing a private extension first
    # (`_asyncio` before `asyncio`) sets it up differently, and a forked child then could not
    # tell that it runs inside asyncio (sniffio failed asgi-lifespan in the course's tests).
    public = [name for name in names if not any(part.startswith("_") for part in name.split("."))]
    for name in sorted(public, key=lambda name: (name.count("."), name)):
        top = name.split(".", 1)[0]
        if top in NEVER_PRELOADED or top in shadowed or name in sys.modules:
            continue
        with contextlib.suppress(Exception):
            importlib.import_module(name)


def _entries(root: Path) -> list[Path]:
    try:
        return list(root.iterdir())
    except OSError:
        return []


def _read_names(path: Path) -> list[str]:
    try:
        return [name for name in path.read_text(encoding="utf-8").splitlines() if name]
    except OSError:
        return []


def _child(request: dict[str, Any]) -> None:
    """Run pytest once in this forked process and exit with its code."""
    code = 3
    try:
        cwd = str(request["cwd"])
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(request["env"])
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        output = os.open(request["output"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(output, 1)
        os.dup2(output, 2)
        sys.path.insert(0, cwd)
        import pytest

        # Libraries this process imported before pytest started cannot be assertion-rewritten
        # (anyio, pulled in by httpx, ships a pytest plugin): pytest warns, and a workspace's
        # `filterwarnings = error` would turn that warning into a failed run.
        args = [*request["args"], "-W", "ignore::pytest.PytestAssertRewriteWarning"]
        code = int(pytest.main(args))
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
            _write_names(Path(request["modules"]), Path(request["cwd"]))
        os._exit(code)


def _write_names(path: Path, root: Path) -> None:
    names = []
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if not file or name.split(".", 1)[0] in NEVER_PRELOADED:
            continue
        with contextlib.suppress(OSError, ValueError):
            if not Path(file).resolve().is_relative_to(root.resolve()):
                names.append(name)
    path.write_text("\n".join(sorted(names)), encoding="utf-8")


class WarmRunner:
    """A `checks.Runner` backed by the warm process (started on first use, stopped by `close`)."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self._scratch = tempfile.TemporaryDirectory(prefix="vibecode-warm-")
        self.warm_runs = 0

    def __call__(
        self, command: Sequence[str], cwd: Path, env: dict[str, str]
    ) -> subprocess.CompletedProcess[str]:
        """Run `python -m pytest ARGS` in the warm process (or, failing that, a subprocess)."""
        if list(command[:3]) != [sys.executable, "-m", "pytest"] or not hasattr(os, "fork"):
            return _plain(command, cwd, env)
        process = self._ensure(env)
        output = Path(self._scratch.name, "output.txt")
        request = {
            "args": list(command[3:]),
            "cwd": str(cwd),
            "env": env,
            "output": str(output),
            "modules": str(Path(self._scratch.name, "modules.txt")),
        }
        try:
            assert process.stdin is not None and process.stdout is not None
            process.stdin.write(json.dumps(request) + "\n")
            process.stdin.flush()
            answer = json.loads(process.stdout.readline())
        except (OSError, ValueError, AssertionError):
            self.close()
            return _plain(command, cwd, env)
        self.warm_runs += 1
        text = output.read_text(encoding="utf-8", errors="replace") if output.exists() else ""
        return subprocess.CompletedProcess(list(command), int(answer["exit"]), text)

    def _ensure(self, env: dict[str, str]) -> subprocess.Popen[str]:
        if self._process is None or self._process.poll() is not None:
            base = {key: value for key, value in env.items() if not key.startswith("VIBECODE_")}
            base.pop("PYTHONPATH", None)  # the workspace is added by each child, never here
            self._process = subprocess.Popen(
                [sys.executable, "-m", "vibecode.workspace.warm"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                env=base,
                cwd=self._scratch.name,
            )
        return self._process

    def close(self) -> None:
        """Stop the warm process."""
        if self._process is not None:
            with contextlib.suppress(OSError):
                if self._process.stdin is not None:
                    self._process.stdin.close()
            try:
                self._process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            if self._process.stdout is not None:
                self._process.stdout.close()
            self._process = None

    def __enter__(self) -> WarmRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
        self._scratch.cleanup()


def _plain(
    command: Sequence[str], cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    from vibecode.workspace.checks import run_subprocess

    return run_subprocess(command, cwd, env)


if __name__ == "__main__":
    main()
