"""`vibecode check` shows the review of the attendee's code after the step's tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from vibecode.course.manifest import load_course
from vibecode.workspace.apply import goto

STEPS = Path(__file__).resolve().parents[2] / "steps"

pytestmark = pytest.mark.e2e


def _check(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, VIBECODE_WORKSPACE=str(ws), COLUMNS="200")
    env.pop("TEST_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "vibecode", "check", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_check_reviews_after_the_tests_with_the_rules_of_the_step(tmp_path: Path) -> None:
    ws = tmp_path / "workshop"
    goto(load_course(STEPS), ws, 8)
    (ws / "app" / "extra.py").write_text('"""An attendee\'s module."""\n\nprint("hello")\n')
    run = _check(ws)
    assert run.returncode == 0, run.stdout + run.stderr  # the tests decide; the review advises
    lines = run.stdout.splitlines()
    review_at = lines.index("Review (the template's rules):")
    assert any("passed" in line for line in lines[:review_at])
    assert "app/extra.py:3: VC301 print() in the app: T201 `print` found" in lines[review_at:]
    # Step 8 has not taught the handler for unexpected exceptions yet (step 12 does).
    assert lines[-1] == "not yet taught at this step: VC304 (--all)"


def test_no_review_leaves_it_out(tmp_path: Path) -> None:
    ws = tmp_path / "workshop"
    goto(load_course(STEPS), ws, 5)
    run = _check(ws, "--no-review")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Review (the template's rules):" not in run.stdout
