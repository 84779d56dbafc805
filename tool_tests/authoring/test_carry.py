"""Carrying a change forward: later steps keep what they did, conflicts stop before writing."""

from __future__ import annotations

import pytest

from vibecode.authoring.carry import CarryConflict, carry, combine_edits, has_markers

OLD = [
    {},
    {"a.py": b"a\nb\nc\n"},
    {"a.py": b"a\nb\nc\nd\n"},
    {"a.py": b"a\nB2\nc\nd\n", "t.py": b"t\n"},
]
TITLES = ["one", "two", "three"]


def test_a_change_reaches_every_later_step() -> None:
    result = carry(OLD, 1, {"a.py": b"a\nb\nC\n"}, titles=TITLES)
    assert result[2] == {"a.py": b"a\nb\nC\nd\n"}
    assert result[3] == {"a.py": b"a\nB2\nC\nd\n", "t.py": b"t\n"}
    assert result[:1] == OLD[:1]


def test_edits_of_adjacent_lines_are_both_kept() -> None:
    """merge3 alone calls `change line 3` and `add a line after it` a conflict."""
    assert combine_edits([b"b\n", b"c\n"], [b"b\n", b"C\n"], [b"b\n", b"c\n", b"d\n"]) == [
        b"b\n",
        b"C\n",
        b"d\n",
    ]


def test_the_same_lines_changed_twice_is_a_conflict_with_both_sides() -> None:
    with pytest.raises(CarryConflict) as caught:
        carry(OLD, 1, {"a.py": b"a\nbb\nc\n"}, titles=TITLES)
    conflict = caught.value
    assert (conflict.step, conflict.edited) == (3, 1)
    [item] = conflict.files
    assert item.path == "a.py"
    assert "bb" in item.ours and "B2" in item.theirs
    assert has_markers(item.merged)
    assert "step 3 (three)" in str(conflict)


def test_two_insertions_at_one_place_is_a_conflict() -> None:
    with pytest.raises(CarryConflict) as caught:
        carry(OLD, 1, {"a.py": b"a\nb\nc\nx\n"}, titles=TITLES)
    assert caught.value.step == 2


def test_a_settled_step_is_taken_as_the_author_gave_it() -> None:
    settled = {3: {"a.py": b"a\nsettled\nc\nd\n"}}
    result = carry(OLD, 1, {"a.py": b"a\nbb\nc\n"}, titles=TITLES, resolved=settled)
    assert result[3] == settled[3]


def test_a_file_deleted_on_one_side_and_changed_on_the_other_conflicts() -> None:
    old = [{}, {"a.py": b"a\n"}, {"a.py": b"a2\n"}]
    with pytest.raises(CarryConflict) as caught:
        carry(old, 1, {}, titles=["one", "two"])
    assert caught.value.files[0].ours == "(deleted)"
