"""SCRIPT.md is generated from the steps and never disagrees with them."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from vibecode.cli.main import app
from vibecode.course.manifest import load_course
from vibecode.course.script import render_script, total_minutes
from vibecode.paths import project_root, steps_root


def test_script_md_is_up_to_date() -> None:
    """The committed SCRIPT.md is exactly what the steps render to."""
    expected = render_script(load_course(steps_root()))
    current = (project_root() / "SCRIPT.md").read_text(encoding="utf-8")
    assert current == expected, "SCRIPT.md is stale: run `vibecode script`"


def test_script_has_every_step_and_the_total() -> None:
    """One section per step in order, the pre-flight first and the total time last."""
    course = load_course(steps_root())
    text = render_script(course)
    positions = [text.index("## Pre-flight")]
    positions += [text.index(f"## Step {step.number}: {step.title}") for step in course.steps]
    positions.append(text.index("## Closing"))
    assert positions == sorted(positions)
    assert f"**Total: {total_minutes(course)} minutes**" in text
    for command in ("vibecode doctor", "vibecode rehearse", "vibecode serve", "vibecode dashboard"):
        assert command in text
    for step in course.steps:
        for scenario in step.benches:
            assert f"vibecode bench {scenario.name}" in text


def write_step(root: Path, name: str, body: str) -> None:
    folder = root / name
    (folder / "files" / "app").mkdir(parents=True)
    (folder / "files" / "app" / "main.py").write_text("app = None\n", encoding="utf-8")
    (folder / "step.toml").write_text(body, encoding="utf-8")


@pytest.fixture
def tiny_course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A one-step course that the CLI finds through VIBECODE_STEPS."""
    root = tmp_path / "steps"
    write_step(
        root,
        "01-hello",
        """
title = "Hello"
goal = "GET /health answers 200"
minutes = 4
talking_points = [
    "Say this.",
    "Point at: the decorator.",
    "If it breaks: port taken -> vibecode serve --port 8001.",
]
tests = []

[[demo]]
name = "health"
path = "/health"
note = "200 and a tiny JSON body"
""",
    )
    monkeypatch.setenv("VIBECODE_STEPS", str(root))
    return root


def test_render_groups_talking_points(tiny_course: Path) -> None:
    """Plain points are said, `Point at:` ones shown, `If it breaks:` ones become recoveries."""
    text = render_script(load_course(tiny_course))
    say = text.index("### Say")
    point_at = text.index("### Point at")
    breaks = text.index("### If it breaks")
    assert say < text.index("- Say this.") < point_at < text.index("- the decorator.") < breaks
    assert text.index("- port taken -> vibecode serve --port 8001.") > breaks
    assert "| 1 | `GET /health` | 200 | 200 and a tiny JSON body |" in text
    assert "**Total: 4 minutes**" in text


def test_cli_writes_then_checks(tiny_course: Path, tmp_path: Path) -> None:
    """`vibecode script -o X` writes; `--check` passes, then fails (exit 1) once X is edited."""
    runner = CliRunner()
    target = tmp_path / "SCRIPT.md"
    written = runner.invoke(app, ["script", "--output", str(target)])
    assert written.exit_code == 0, written.output
    assert target.read_text(encoding="utf-8") == render_script(load_course(tiny_course))
    checked = runner.invoke(app, ["script", "--check", "--output", str(target)])
    assert checked.exit_code == 0, checked.output
    target.write_text("edited by hand\n", encoding="utf-8")
    stale = runner.invoke(app, ["script", "--check", "--output", str(target)])
    assert stale.exit_code == 1
    assert "run `vibecode script`" in stale.output


def test_every_command_in_the_script_exists() -> None:
    """The talk never tells a presenter to type a command or an option the CLI does not have."""
    import re

    import typer.main

    group = typer.main.get_command(app)
    commands: dict[str, set[str]] = {
        name: {opt for param in command.params for opt in param.opts}
        for name, command in group.commands.items()  # type: ignore[attr-defined]
    }
    text = (project_root() / "SCRIPT.md").read_text(encoding="utf-8")
    used = re.findall(r"\bvibecode ([a-z]+)((?: +(?:--?[a-z][a-z-]*|[\w.-]+))*)", text)
    assert used
    for name, rest in used:
        assert name in commands, f"SCRIPT.md uses `vibecode {name}`: no such command"
        for option in re.findall(r"(?<!\S)(--?[a-z][a-z-]*)", rest):
            assert option in commands[name], f"`vibecode {name}` has no option {option}"


def test_no_talking_point_hard_codes_the_served_address() -> None:
    """The served URL changes with --port and --host: talking points say `${url}`."""
    import re

    from vibecode.course.manifest import load_course
    from vibecode.course.templating import SERVED_URL, talk_text
    from vibecode.paths import steps_root

    address = re.compile(r"https?://(localhost|127\.0\.0\.1|0\.0\.0\.0)(:\d+)?")
    course = load_course(steps_root())
    hard_coded = [
        (step.number, point[:60])
        for step in course.all_steps
        for point in step.talking_points
        if address.search(point)
    ]
    assert hard_coded == []
    assert talk_text("curl ${url}/users -H 'Bearer ${token}'", url="http://10.0.0.5:9000/") == (
        "curl http://10.0.0.5:9000/users -H 'Bearer ${token}'"
    )
    assert talk_text("open ${url}/docs", url=None) == f"open {SERVED_URL}/docs"
