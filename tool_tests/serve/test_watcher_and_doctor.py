"""The step watcher (fakes for the state and the migrations) and the doctor's checks."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from vibecode.doctor import check_port, check_python, check_terminal, check_workspace, diagnose
from vibecode.errors import VibecodeError
from vibecode.serve.migrations import MigrationResult
from vibecode.serve.watcher import StepWatcher, current_step


def test_the_watcher_migrates_once_per_step_change(tmp_path: Path) -> None:
    steps = iter([1, 1, None, 2, 2, 3])
    migrated: list[Path] = []
    changes: list[tuple[int, bool]] = []

    def migrate(ws: Path) -> MigrationResult:
        migrated.append(ws)
        return MigrationResult(ran=True)

    watcher = StepWatcher(
        tmp_path,
        migrate=migrate,
        on_change=lambda step, result, error: changes.append((step, error is None)),
        read_step=lambda ws: next(steps),
    )
    for _ in range(5):
        watcher.poll()

    assert changes == [(2, True), (3, True)]
    assert migrated == [tmp_path, tmp_path]


def test_the_watcher_reports_a_failed_migration_and_keeps_going(tmp_path: Path) -> None:
    def broken(ws: Path) -> MigrationResult:
        raise VibecodeError("migrations failed: boom")

    changes: list[tuple[int, str]] = []
    steps = iter([1, 2])
    watcher = StepWatcher(
        tmp_path,
        migrate=broken,
        on_change=lambda step, result, error: changes.append((step, str(error))),
        read_step=lambda ws: next(steps),
    )
    watcher.poll()

    assert changes == [(2, "migrations failed: boom")]


def test_current_step_reads_the_state_and_ignores_an_apply_in_progress(tmp_path: Path) -> None:
    state = tmp_path / ".vibecode" / "state.json"
    assert current_step(tmp_path) is None
    state.parent.mkdir()
    state.write_text('{"version": 1, "step": 3, "files": {}, "pending": null}')
    assert current_step(tmp_path) == 3
    state.write_text('{"version": 1, "step": 3, "files": {}, "pending": {"step": 4, "files": {}}}')
    assert current_step(tmp_path) is None
    state.write_text("{broken")
    assert current_step(tmp_path) is None


def test_doctor_terminal_size() -> None:
    small = check_terminal(os.terminal_size((79, 24)), is_tty=True)
    short = check_terminal(os.terminal_size((120, 23)), is_tty=True)
    least = check_terminal(os.terminal_size((80, 24)), is_tty=True)
    big = check_terminal(os.terminal_size((120, 40)), is_tty=True)

    assert small.ok is False and short.ok is False
    assert "79x24 is smaller than the dashboard's 80x24" in small.detail
    assert small.fix
    assert least.ok is True and "compact layout" in least.detail
    assert big.ok is True and "full layout" in big.detail
    assert check_terminal(is_tty=False).ok is None


def test_script_doctor_and_dashboard_agree_on_one_minimum(repo_root: Path) -> None:
    """SCRIPT.md, `doctor` and the dashboard's refusal all quote vibecode.terminal's minimum."""
    from vibecode import terminal
    from vibecode.cli.dashboard_cmd import check_terminal as dashboard_check
    from vibecode.errors import VibecodeError

    width, height = terminal.MIN_WIDTH, terminal.MIN_HEIGHT
    script = (repo_root / "SCRIPT.md").read_text()
    assert f"the dashboard's pane needs {width}x{height} at least" in script
    assert f"the full one\n      from {terminal.FULL_WIDTH}x{terminal.FULL_HEIGHT}" in script
    for size in ((width, height), (width - 1, height), (width, height - 1)):
        doctor_ok = check_terminal(os.terminal_size(size), is_tty=True).ok
        try:
            dashboard_check(size)
            dashboard_ok = True
        except VibecodeError as refused:
            dashboard_ok = False
            assert f"needs at least {width}x{height}" in str(refused)
        assert doctor_ok is dashboard_ok, size


def test_doctor_python_and_port() -> None:
    assert check_python((3, 10, 4)).ok is False
    assert check_python((3, 12, 1)).ok is True
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        busy = check_port("127.0.0.1", holder.getsockname()[1])
    assert busy.ok is False
    assert "already in use" in busy.detail
    assert "--port" in busy.fix


def test_doctor_workspace_not_writable(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        finding = check_workspace(locked / "workshop")
    finally:
        locked.chmod(0o700)
    if os.geteuid() == 0:
        assert finding.ok is True  # root writes anywhere: nothing to report
    else:
        assert finding.ok is False


def test_doctor_all_green_on_a_healthy_machine(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    findings = diagnose(tmp_path / "workshop", host="127.0.0.1", port=port, database_url=None)

    assert [f.check for f in findings] == [
        "Python", "Packages", "Port", "Workspace", "Database", "Terminal",
    ]  # fmt: skip
    assert all(f.ok is not False for f in findings), findings


def test_server_log_lines_that_matter_stand_out() -> None:
    from vibecode.serve.session import log_style

    assert log_style('INFO:     127.0.0.1:5 - "GET /health HTTP/1.1" 200 OK') == "dim"
    assert log_style("WARNING:  WatchFiles detected changes in 'app/main.py'. Reloading...") == (
        "yellow"
    )
    assert log_style("ERROR:    Exception in ASGI application") == "red"
    assert log_style("SyntaxError: invalid syntax") == "red"
