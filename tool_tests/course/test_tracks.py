"""Tracks: a cut of the talk shows some steps with their own budgets; checkpoints never change."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tool_tests.authoring.course_kit import make_course
from vibecode.cli.main import app
from vibecode.course.manifest import load_course
from vibecode.course.script import render_script, script_path
from vibecode.errors import StepError
from vibecode.rehearse.runner import select_steps
from vibecode.workspace.apply import goto, move

TRACK = """
[tracks.short]
title = "The short cut"
minutes = { step1 = 2, step3 = 4 }
"""
STEPS = [{"a.py": b"1\n"}, {"a.py": b"1\n2\n"}, {"a.py": b"1\n2\n3\n"}, {"a.py": b"4\n"}]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_course(tmp_path / "course", STEPS, tracks=TRACK)


def test_a_track_shows_its_steps_with_its_budgets(root: Path) -> None:
    course = load_course(root, track="short")
    assert [(s.number, s.minutes) for s in course.steps] == [(1, 2), (3, 4)]
    assert course.last == 3 and course.size == 4
    assert course.checkpoint(3) == load_course(root).checkpoint(3)
    with pytest.raises(StepError, match="step 2 is not in the track 'short'"):
        course.step(2)
    assert select_steps(course) == [1, 3]


def test_next_and_prev_follow_the_track(root: Path, tmp_path: Path) -> None:
    course = load_course(root, track="short")
    workspace = tmp_path / "ws"
    goto(course, workspace, 1)
    assert move(course, workspace, +1).step == 3
    assert (workspace / "a.py").read_bytes() == b"1\n2\n3\n"
    assert move(course, workspace, -1).step == 1


def test_the_script_of_a_track_says_so_and_times_its_budget(root: Path) -> None:
    course = load_course(root, track="short")
    text = render_script(course)
    assert "Track `short`: The short cut" in text
    assert "## Step 2" not in text and "## Step 3: Step 3 (4 min)" in text
    assert "**Total: 6 minutes**" in text
    assert script_path(course).name == "SCRIPT-short.md"


def test_an_unknown_track_names_the_known_ones(root: Path) -> None:
    with pytest.raises(StepError, match=r"no track 'long' \(its tracks: short"):
        load_course(root, track="long")


def test_a_track_naming_a_missing_step_is_refused(tmp_path: Path) -> None:
    bad = make_course(tmp_path / "c", STEPS, tracks=TRACK.replace("step3", "nope"))
    with pytest.raises(StepError, match="no step named 'nope'"):
        load_course(bad, track="short")


def test_the_cli_follows_the_track_option(root: Path) -> None:
    result = CliRunner().invoke(app, ["steps", "--course", str(root), "--track", "short"])
    assert result.exit_code == 0
    assert "Step 1" in result.output and "Step 3" in result.output
    assert "Step 2" not in result.output and "Step 4" not in result.output
    assert " 6 " in result.output  # the track's total


def test_the_built_in_course_scripts_of_its_tracks_are_up_to_date() -> None:
    """SCRIPT-conference.md, like SCRIPT.md, is what the course renders (`vibecode script`)."""
    from vibecode.paths import steps_root

    tracks = load_course(steps_root()).info.tracks
    assert "conference" in tracks
    for name in tracks:
        course = load_course(steps_root(), track=name)
        assert sum(step.minutes for step in course.steps) <= 40 or name != "conference"
        target = script_path(course)
        assert target.read_text(encoding="utf-8") == render_script(course), (
            f"{target.name} is stale: run `vibecode script --track {name}`"
        )
