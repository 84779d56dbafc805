"""ServerProcess and the child's entry point with their side effects replaced: exact arguments."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, ClassVar

import pytest

from vibecode.errors import VibecodeError
from vibecode.serve import runner
from vibecode.serve.preflight import free_port
from vibecode.serve.server import ServerProcess
from vibecode.tap.channel import tap_dir_for


class FakePopen:
    """Records how it was called; `poll()` says the process is running."""

    calls: ClassVar[list[tuple[list[str], dict[str, Any]]]] = []

    def __init__(self, command: list[str], **kwargs: Any) -> None:
        FakePopen.calls.append((command, kwargs))
        self.pid = 4242
        self.returncode: int | None = None

    def poll(self) -> int | None:
        return self.returncode


def test_the_child_gets_its_own_session_the_workspace_env_and_the_tap(
    app_workspace: Path,
) -> None:
    FakePopen.calls = []
    # start() checks that the port is free (it binds it a moment): a fixed one may be busy.
    port = free_port()
    server = ServerProcess(app_workspace, port=port, reload=True, spawn=FakePopen)  # type: ignore[arg-type]
    server.start()

    [(command, kwargs)] = FakePopen.calls
    assert command[:3] == [sys.executable, "-m", "vibecode.serve.runner"]
    assert command[3:] == [
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
        "--parent-pid", str(os.getpid()), "--reload",
    ]  # fmt: skip
    assert kwargs["cwd"] == app_workspace
    assert kwargs["start_new_session"] is True
    assert kwargs["stdin"] == subprocess.DEVNULL
    assert kwargs["env"]["PYTHONPATH"] == str(app_workspace)
    assert kwargs["env"]["VIBECODE_TAP_DIR"] == str(tap_dir_for(app_workspace))
    assert server.url == f"http://127.0.0.1:{port}"
    assert server.running
    assert server.log_path == app_workspace / ".vibecode" / "server.log"


def test_no_tap_and_no_access_log_and_workers(app_workspace: Path) -> None:
    FakePopen.calls = []
    port = free_port("0.0.0.0")
    server = ServerProcess(
        app_workspace, host="0.0.0.0", port=port, reload=False, workers=3, tap=False,
        access_log=False, spawn=FakePopen,  # type: ignore[arg-type]
    )  # fmt: skip
    server.start()

    [(command, kwargs)] = FakePopen.calls
    assert "--reload" not in command
    assert command[command.index("--workers") + 1] == "3"
    assert "--no-access-log" in command
    assert "VIBECODE_TAP_DIR" not in kwargs["env"]
    assert server.url == f"http://127.0.0.1:{port}"  # 0.0.0.0 is reached through loopback here


def test_reload_with_workers_is_refused(app_workspace: Path) -> None:
    with pytest.raises(VibecodeError, match="cannot reload with several workers"):
        ServerProcess(app_workspace, reload=True, workers=2)


def test_the_child_runs_the_factory_with_reload_watching_the_app_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    calls: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append((app, kwargs)))
    monkeypatch.chdir(tmp_path)

    runner.main(["--port", "9001", "--reload"])

    [(app, kwargs)] = calls
    assert app == "vibecode.serve.runner:create_app"
    assert kwargs["factory"] is True
    assert kwargs["port"] == 9001
    assert kwargs["reload"] is True
    assert kwargs["reload_dirs"] == [str(tmp_path / "app")]
    assert kwargs["workers"] is None


def test_the_factory_wraps_the_workspace_app_only_when_tapped(
    app_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vibecode.tap.middleware import TapMiddleware

    monkeypatch.syspath_prepend(str(app_workspace))
    for name in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.delenv(runner.TAP_ENV, raising=False)
    try:
        plain = runner.create_app()
        monkeypatch.setenv(runner.TAP_ENV, str(tap_dir_for(app_workspace)))
        tapped = runner.create_app()
    finally:
        for name in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
            del sys.modules[name]

    assert type(plain).__name__ == "FastAPI"
    assert isinstance(tapped, TapMiddleware)
    assert tapped.app is plain
