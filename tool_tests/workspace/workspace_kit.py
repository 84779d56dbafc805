"""Helpers for the workspace tests: fixture courses, workspace snapshots, CLI runners."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from typer.testing import CliRunner

from vibecode.cli.main import app
from vibecode.course.manifest import Course
from vibecode.workspace import apply
from vibecode.workspace.files import scan
from vibecode.workspace.saved import list_saved


@dataclass
class StepSpec:
    """One step of a fixture course: its files (workspace path -> content) and manifest keys."""

    slug: str
    files: Mapping[str, bytes | str] = field(default_factory=dict)
    delete: Sequence[str] = ()
    tests: Sequence[str] = ()
    title: str = ""
    manifest: str | None = None
    """A raw step.toml, to write broken manifests."""


CALC_V1 = "def add(a, b):\n    return a + b\n"
CALC_TEST = "from app.calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n"

SMALL_COURSE = (
    StepSpec(
        "skeleton",
        {
            "app/__init__.py": "",
            "app/main.py": "print('step 1')\n",
            ".env.example": "DEBUG=false\n",
        },
    ),
    StepSpec(
        "calc-and-config",
        {
            "app/main.py": "print('step 2')\n",
            "app/calc.py": CALC_V1,
            "app/core/__init__.py": "",
            "app/core/config.py": "NAME = 'two'\n",
            "tests/test_calc.py": CALC_TEST,
        },
        tests=["tests/test_calc.py"],
    ),
    StepSpec(
        "legacy",
        {
            "app/main.py": "print('step 3')\n",
            "app/old/__init__.py": "",
            "app/old/deep/legacy.py": "LEGACY = 3\n",
        },
        tests=["tests/test_calc.py"],
    ),
    StepSpec(
        "cleanup",
        {"app/core/config.py": "NAME = 'four'\n", "alembic.ini": "[alembic]\n"},
        delete=["app/old/__init__.py", "app/old/deep/legacy.py", "app/calc.py"],
    ),
    StepSpec(
        "comeback",
        {
            "app/calc.py": "def add(a, b):\n    return b + a\n",
            "app/old/deep/legacy.py": "LEGACY = 5\n",
            "app/static/logo.bin": bytes(range(256)),
        },
        delete=["tests/test_calc.py"],
    ),
)


def write_course(root: Path, steps: Sequence[StepSpec]) -> Path:
    """Write a course folder: `NN-slug/step.toml` and `NN-slug/files/...` for each step."""
    root.mkdir(parents=True, exist_ok=True)
    for number, spec in enumerate(steps, start=1):
        folder = root / f"{number:02d}-{spec.slug}"
        folder.mkdir()
        for path, content in spec.files.items():
            target = folder / "files" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content.encode() if isinstance(content, str) else content)
        manifest = spec.manifest
        if manifest is None:
            title = spec.title or spec.slug.replace("-", " ").capitalize()
            manifest = (
                f'title = "{title}"\n'
                f'goal = "Step {number} works"\n'
                "minutes = 5\n"
                f'talking_points = ["Say what step {number} does", "Point at the diff"]\n'
                f"tests = {_toml_list(spec.tests)}\n"
                f"delete = {_toml_list(spec.delete)}\n"
            )
        (folder / "step.toml").write_text(manifest, encoding="utf-8")
    return root


def _toml_list(items: Sequence[str]) -> str:
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"


def snapshot(workspace: Path) -> dict[str, bytes]:
    """The managed files of a workspace with their content."""
    return {path: file.read_bytes() for path, file in scan(workspace).items()}


@dataclass
class Cli:
    """Run the CLI in-process through Typer's runner; stdout and stderr apart."""

    runner: CliRunner = field(default_factory=CliRunner)

    def __call__(self, *args: str, input: str | None = None) -> CliResult:
        result = self.runner.invoke(app, list(args), input=input, catch_exceptions=False)
        return CliResult(result.exit_code, result.stdout, result.stderr)


@dataclass(frozen=True)
class CliResult:
    """What a CLI run printed and returned."""

    code: int
    stdout: str
    stderr: str


def run_vibecode(
    *args: str, env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> CliResult:
    """Run `python -m vibecode ...` as a real process."""
    full_env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **(env or {})}
    done = subprocess.run(
        [sys.executable, "-m", "vibecode", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=120,
        check=False,
    )
    return CliResult(done.returncode, done.stdout, done.stderr)


def saved_contents(workspace: Path) -> list[tuple[str, bytes]]:
    """Every (path, content) in every saved set of a workspace."""
    return [
        (f.path, saved.source(f.path).read_bytes())
        for saved in list_saved(workspace)
        for f in saved.files
    ]


class InterruptAfter(apply.Writer):
    """A writer that is interrupted (as by Ctrl-C) after `limit` writes and removals."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.done = 0

    def _tick(self) -> None:
        if self.done >= self.limit:
            raise KeyboardInterrupt
        self.done += 1

    def write(self, path: Path, data: bytes) -> None:
        self._tick()
        super().write(path, data)

    def write_many(self, items: Sequence[tuple[Path, bytes]]) -> None:
        for path, data in items:
            self.write(path, data)

    def remove(self, path: Path) -> None:
        self._tick()
        super().remove(path)


def assert_routes_agree(course: Course, scratch: Path) -> None:
    """For every step N: goto N in a new workspace, stepping 0 -> N one at a time, and stepping
    down from the last step one at a time all leave exactly N's checkpoint on disk."""
    last = course.last
    up, down = scratch / "up", scratch / "down"
    climbing: dict[int, dict[str, bytes]] = {}
    apply.goto(course, up, 0)
    climbing[0] = snapshot(up)
    for number in range(1, last + 1):
        apply.move(course, up, 1)
        climbing[number] = snapshot(up)
    descending: dict[int, dict[str, bytes]] = {}
    apply.goto(course, down, last)
    descending[last] = snapshot(down)
    for number in range(last - 1, -1, -1):
        apply.move(course, down, -1)
        descending[number] = snapshot(down)
    for number in range(last + 1):
        direct = scratch / f"direct-{number:02d}"
        apply.goto(course, direct, number)
        expected = course.checkpoint(number)
        assert snapshot(direct) == expected, f"goto {number} differs from its checkpoint"
        assert climbing[number] == expected, f"0 -> {number} one at a time differs"
        assert descending[number] == expected, f"{last} -> {number} one at a time differs"
