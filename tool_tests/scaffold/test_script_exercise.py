"""SCRIPT.md closes with the feature exercise, for a course that teaches the template."""

from __future__ import annotations

from pathlib import Path

from vibecode.course.manifest import load_course
from vibecode.course.script import render_script

STEPS = Path(__file__).resolve().parents[2] / "steps"
TITLE = "### Closing exercise: a whole feature in one command, then make it yours"


def test_the_built_in_script_ends_with_the_exercise_after_the_closing() -> None:
    text = render_script(load_course(STEPS))
    assert text.index("## Closing") < text.index(TITLE)
    assert "`vibecode new feature product name:str price:float in_stock:bool --owned`" in text


def test_the_committed_script_has_it(repo_root: Path) -> None:
    assert TITLE in (repo_root / "SCRIPT.md").read_text(encoding="utf-8")


def test_a_course_without_review_has_no_exercise(tmp_path: Path) -> None:
    course = tmp_path / "course"
    (course / "01-hello").mkdir(parents=True)
    (course / "01-hello" / "step.toml").write_text(
        'title = "Hello"\ngoal = "say hello"\nminutes = 1\ntalking_points = ["hi"]\n',
        encoding="utf-8",
    )
    assert TITLE not in render_script(load_course(course))
