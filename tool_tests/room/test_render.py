"""What the views draw of the room."""

from __future__ import annotations

from io import StringIO

from rich.console import Console, RenderableType

from vibecode.room.render import histogram, qr_code, roster


def text(renderable: RenderableType) -> str:
    screen = StringIO()
    Console(file=screen, width=60, color_system=None).print(renderable)
    return screen.getvalue()


SUMMARY = {
    "presenter_step": 5,
    "attendees": 7,
    "closed": False,
    "steps": [
        {"step": 3, "attendees": 2, "passing": 0},
        {"step": 5, "attendees": 4, "passing": 3},
        {"step": 6, "attendees": 1, "passing": 1},
    ],
}


def test_the_histogram_has_a_row_per_step_with_its_counts_and_no_names() -> None:
    lines = text(histogram(SUMMARY, last_step=19, width=40)).splitlines()
    assert lines[0] == "7 attendees · presenter at step 5"
    rows = {line[1:4].strip(): line for line in lines[1:]}
    assert list(rows) == ["3", "4", "5", "6"]
    assert rows["4"].rstrip().endswith("·")
    assert rows["5"].startswith("▶  5 ") and rows["5"].rstrip().endswith("4 (3 pass)")
    assert rows["3"].rstrip().endswith(" 2")
    # Bars scale with the biggest step: 4 attendees get the whole width, 2 half of it.
    assert rows["5"].count("█") == 2 * rows["3"].count("█") == 24


def test_an_empty_room_says_so() -> None:
    shown = text(histogram({"presenter_step": 0, "attendees": 0, "steps": []}, last_step=19))
    assert "nobody has joined yet" in shown


def test_the_roster_names_who_is_stuck_and_the_most_failing_test() -> None:
    state = {
        **SUMMARY,
        "stuck_minutes": 5.0,
        "attendee_list": [
            {"name": "Ada", "step": 3, "passes": False, "stuck": True, "failing_for": 420.0},
            {"name": "Bob\x1b[2J", "step": 5, "passes": True, "stuck": False, "failing_for": None},
        ],
        "failing_tests": [{"test": "tests/test_users.py::test_login", "attendees": 2}],
    }
    shown = text(roster(state))
    assert "stuck > 5 min: Ada (step 3, 7 min)" in shown
    assert "most failing at this step: test_login (2)" in shown
    assert "Bob?[2J" in shown and "\x1b" not in shown  # control characters never reach the screen


def test_the_qr_code_is_terminal_blocks() -> None:
    code = qr_code("http://127.0.0.1:8800/join?code=ABC234")
    lines = code.splitlines()
    assert len(lines) > 10
    assert set("".join(lines)) <= {"█", "▀", "▄", " "}
