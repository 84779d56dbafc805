"""`vibecode dashboard` at the CLI edge: options, the terminal-size check, a light start-up."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from vibecode.cli import dashboard_cmd
from vibecode.cli.main import app
from vibecode.errors import VibecodeError


def test_a_small_terminal_is_refused_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shutil, "get_terminal_size", lambda: (79, 24))
    called: list[Any] = []
    monkeypatch.setattr(dashboard_cmd, "run_dashboard", lambda **kw: called.append(kw))
    result = CliRunner().invoke(app, ["dashboard"])
    assert result.exit_code == 2
    assert "the terminal is 79x24; the dashboard needs at least 80x24" in result.output
    assert "Traceback" not in result.output
    assert called == []


def test_options_reach_the_dashboard(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(shutil, "get_terminal_size", lambda: (100, 30))
    called: list[dict[str, Any]] = []
    monkeypatch.setattr(dashboard_cmd, "run_dashboard", lambda **kw: called.append(kw))
    monkeypatch.setenv("VIBECODE_WORKSPACE", str(tmp_path))
    arguments = ["dashboard", "--url", "http://127.0.0.1:9", "--port", "8123", "--db", "postgres"]
    result = CliRunner().invoke(app, [*arguments, "--no-start"])
    assert result.exit_code == 0, result.output
    assert called == [
        {
            "workspace": tmp_path,
            "url": "http://127.0.0.1:9",
            "port": 8123,
            "db": "postgres",
            "start": False,
        }
    ]


def test_a_domain_error_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "get_terminal_size", lambda: (120, 40))

    def broken(**_: Any) -> None:
        raise VibecodeError("steps/: the steps folder does not exist")

    monkeypatch.setattr(dashboard_cmd, "run_dashboard", broken)
    result = CliRunner().invoke(app, ["dashboard", "--no-start"])
    assert result.exit_code == 2
    assert result.output.strip() == "error: steps/: the steps folder does not exist"


def test_the_command_module_does_not_import_textual() -> None:
    code = (
        "import sys, vibecode.cli.main; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'httpx')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
