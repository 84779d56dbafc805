"""The course's `[review] from`: each rule starts at the step that teaches it, and no later."""

from __future__ import annotations

from pathlib import Path

import pytest

from vibecode.course.course_file import read_course_file
from vibecode.course.manifest import load_course
from vibecode.errors import StepError
from vibecode.proof.review import entry_problems, review_from_problems, rules_not_yet_taught
from vibecode.review.runner import review

STEPS = Path(__file__).resolve().parents[2] / "steps"


def _write(course_files: dict[str, bytes], root: Path) -> Path:
    for path, data in course_files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    return root


def test_a_rule_is_not_held_before_its_step_and_held_from_it() -> None:
    course = load_course(STEPS)
    first = {step.slug: step.number for step in course.all_steps}["generic-500"]
    assert "VC304" in rules_not_yet_taught(course, first - 1)
    assert "VC304" not in rules_not_yet_taught(course, first)
    assert review_from_problems(course) == []


@pytest.mark.e2e
def test_each_exemption_is_needed_the_step_before_breaks_the_rule(tmp_path: Path) -> None:
    # An entry that starts a rule later than needed would hide code breaking it: the step
    # just before each entry's first step really breaks the rule.
    course = load_course(STEPS)
    first = {step.slug: step.number for step in course.all_steps}
    assert course.info.review_from, "the built-in course declares its late rules"
    for rule, slug in course.info.review_from.items():
        before = first[slug] - 1
        root = _write(course.checkpoint(before), tmp_path / f"{rule}-{before}")
        assert rule in review(root).rules(), (rule, before)


def test_unknown_rules_and_steps_are_course_problems(tmp_path: Path) -> None:
    toml = (STEPS / "course.toml").read_text(encoding="utf-8")
    changed = toml.replace('VC304 = "generic-500"', 'VC999 = "generic-500", VC301 = "nope"')
    assert changed != toml
    (tmp_path / "course.toml").write_text(changed, encoding="utf-8")
    edited = read_course_file(tmp_path)
    assert edited.review_from is not None
    problems = entry_problems(edited.review_from, {"generic-500"})
    assert problems == [
        "course.toml: review.from: VC999 is not a review rule",
        "course.toml: review.from.VC301: no step named 'nope'",
    ]


def test_review_from_must_be_a_table_of_strings(tmp_path: Path) -> None:
    (tmp_path / "course.toml").write_text("[review]\nfrom = { VC304 = 12 }\n", encoding="utf-8")
    with pytest.raises(StepError, match=r"review\.from"):
        read_course_file(tmp_path)


def test_a_course_without_review_is_not_reviewed(tmp_path: Path) -> None:
    (tmp_path / "course.toml").write_text('title = "t"\n', encoding="utf-8")
    assert read_course_file(tmp_path).review_from is None
    (tmp_path / "course.toml").write_text("[review]\n", encoding="utf-8")
    assert read_course_file(tmp_path).review_from == {}


@pytest.mark.e2e
def test_the_proof_fails_a_step_that_breaks_a_rule_it_has_taught(tmp_path: Path) -> None:
    from vibecode.proof.review import review_problems

    course = load_course(STEPS)
    before = _write(course.checkpoint(11), tmp_path / "eleven")
    assert review_problems(course, before, 11) == ([], "review (1 rule not yet taught)")
    after = _write(course.checkpoint(12), tmp_path / "twelve")
    (after / "app" / "extra.py").write_text('print("x")\n', encoding="utf-8")
    problems, ran = review_problems(course, after, 12)
    assert ran == "review"
    assert problems == [
        "review: app/extra.py:1: VC301 print() in the app: T201 `print` found",
    ]
