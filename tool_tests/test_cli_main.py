"""The CLI registers only the command a run names, and the name map covers every command."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.main import get_command

from vibecode.cli.main import COMMAND_MODULES, QUICK_COMMANDS, build_app, requested_command


def _names(command: str | None) -> set[str]:
    group = get_command(build_app(command))
    return set(getattr(group, "commands", {}))


def test_every_registered_command_is_in_the_map_and_the_reverse() -> None:
    assert _names(None) == set(COMMAND_MODULES)


def test_a_run_registers_only_the_command_it_names() -> None:
    for command in COMMAND_MODULES:
        assert _names(command) == {command}, command


def test_an_unknown_command_gets_every_command_to_suggest_from() -> None:
    assert _names("stepz") == set(COMMAND_MODULES)


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


def _gc_enabled_after(argv: list[str]) -> bool:
    """Whether the cyclic GC is on once `vibecode ARGV` has run (in a fresh interpreter)."""
    code = (
        "import gc, sys\n"
        f"sys.argv = ['vibecode', *{argv!r}]\n"
        "from vibecode.cli.main import run\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "print('GC', gc.isenabled())"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    verdict = result.stdout.strip().splitlines()[-1]
    assert verdict in ("GC True", "GC False"), result.stderr
    return verdict == "GC True"


@pytest.mark.e2e
def test_quick_commands_run_without_the_cyclic_gc_and_long_ones_with_it() -> None:
    assert set(COMMAND_MODULES) > QUICK_COMMANDS
    assert not _gc_enabled_after(["steps", "--help"])
    assert not _gc_enabled_after(["goto", "--help"])
    for long_running in ("serve", "dashboard", "bench", "rehearse"):
        assert long_running not in QUICK_COMMANDS
        assert _gc_enabled_after([long_running, "--help"]), long_running
    assert _gc_enabled_after(["--help"])


def test_the_cli_module_does_not_import_typer_before_run() -> None:
    # The GC switch must come before Typer's import, which is most of the start-up.
    code = "import sys, vibecode.cli.main; print('typer' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_every_command_takes_the_course_and_track_options() -> None:
    """`--course` and `--track` are added by the CLI edge to every command and subcommand."""
    root = get_command(build_app(None))
    commands = []
    for command in getattr(root, "commands", {}).values():
        if hasattr(command, "commands"):
            commands += list(command.commands.values())
        else:
            commands.append(command)
    assert len(commands) > len(COMMAND_MODULES)  # the `course` group's commands are in
    for command in commands:
        names = {name for param in command.params for name in param.opts}
        assert {"--course", "--track"} <= names, command.name


def test_help_shows_no_type_beside_a_flag_and_keeps_the_types_of_values() -> None:
    # Every command's --help, through the real console script, at a fixed width.
    env = {**__import__("os").environ, "COLUMNS": "120", "TERM": "dumb"}
    for args in (
        ["--help"],
        ["demo", "--help"],
        ["course", "--help"],
        ["course", "check", "--help"],
    ):
        shown = subprocess.run(
            [sys.executable, "-m", "vibecode", *args],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        ).stdout
        assert "<bool>" not in shown, args
        assert "--help" in shown
    demo = subprocess.run(
        [sys.executable, "-m", "vibecode", "demo", "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    assert "<str>" in demo  # --url takes a value: its type stays


def test_a_hint_with_parentheses_is_not_nested_in_more_parentheses() -> None:
    from vibecode.errors import VibecodeError

    nested = VibecodeError("a server is running", hint="stop it first (Ctrl-C in its terminal)")
    assert str(nested) == "a server is running; stop it first (Ctrl-C in its terminal)"
    plain = VibecodeError("no workspace", hint="run `vibecode reset --step 1`")
    assert str(plain) == "no workspace (run `vibecode reset --step 1`)"
