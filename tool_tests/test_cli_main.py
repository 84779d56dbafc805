"""The CLI registers only the command a run names, and the name map covers every command."""

from __future__ import annotations

import subprocess
import sys

from typer.main import get_command

from vibecode.cli.main import COMMAND_MODULES, build_app, requested_command


def _names(command: str | None) -> set[str]:
    group = get_command(build_app(command))
    return set(getattr(group, "commands", {}))


def test_every_registered_command_is_in_the_map_and_the_reverse() -> None:
    assert _names(None) == set(COMMAND_MODULES)


def test_each_module_registers_exactly_the_commands_the_map_gives_it() -> None:
    for command, module in COMMAND_MODULES.items():
        expected = {name for name, owner in COMMAND_MODULES.items() if owner == module}
        assert _names(command) == expected, command


def test_the_requested_command_is_the_first_non_option_argument() -> None:
    assert requested_command(["goto", "3", "-w", "ws"]) == "goto"
    assert requested_command(["--help"]) is None
    assert requested_command([]) is None


def test_a_run_of_steps_does_not_import_the_other_command_modules() -> None:
    code = (
        "import sys; sys.argv = ['vibecode', 'steps', '--help']\n"
        "from vibecode.cli.main import run\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('vibecode.cli.')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    loaded = result.stdout.strip().splitlines()[-1]
    assert "bench_cmd" not in loaded
    assert "serve_cmds" not in loaded
    assert "dashboard_cmd" not in loaded
    assert "course_cmds" in loaded


def test_help_lists_every_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "vibecode", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0
    for command in COMMAND_MODULES:
        assert command in result.stdout
