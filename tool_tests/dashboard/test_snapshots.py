"""How both views and `vibecode type` look, at the smallest supported terminal and larger ones.

Clocks are frozen and timers off (`live=False`): the test draws one frame itself.
Regenerate after an intended change: `pytest tool_tests/dashboard --snapshot-update`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from vibecode.course.manifest import Course
from vibecode.dashboard.app import DashboardApp, make_dashboard
from vibecode.dashboard.backend import FakeBackend, FakeTypist
from vibecode.dashboard.clock import FrozenClock
from vibecode.dashboard.notes_app import make_notes
from vibecode.dashboard.sample import sample_course, sample_traffic
from vibecode.dashboard.type_app import TypeApp

SnapCompare = Callable[..., bool]


def busy_dashboard(clock: FrozenClock, **backend: Any) -> tuple[DashboardApp, FakeBackend]:
    fake = FakeBackend(now=clock.time, **backend)
    return make_dashboard(fake, clock=clock, live=False), fake


async def draw_a_frame(pilot: Pilot[None], clock: FrozenClock, *keys: str) -> None:
    app = pilot.app
    assert isinstance(app, DashboardApp)
    await app.workers.wait_for_complete()
    for key in keys:
        await pilot.press(key)
        await app.workers.wait_for_complete()
    clock.advance(7 * 60 + 12)
    app.tick()
    assert isinstance(app.backend, FakeBackend)
    app.backend.fake_tap.push(*sample_traffic(clock.time()))
    app.refresh_frame()
    await pilot.pause()


@pytest.mark.parametrize(
    "size", [(80, 24), (100, 30), (160, 45)], ids=["80x24", "100x30", "160x45"]
)
def test_dashboard_under_traffic(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    clock = FrozenClock()
    app, _ = busy_dashboard(clock)
    # The talk timer runs: started 7:12 before the frame (c, then the clock moves).
    assert snap_compare(app, terminal_size=size, run_before=lambda p: draw_a_frame(p, clock, "c"))


def test_broken_app_at_80x24(snap_compare: SnapCompare) -> None:
    clock = FrozenClock()
    error = (
        "the workspace app fails to import: "
        "ModuleNotFoundError: No module named 'app.api.users' (app/main.py:3)"
    )
    app, _ = busy_dashboard(clock, up=False, import_error=error)
    assert snap_compare(app, terminal_size=(80, 24), run_before=lambda p: draw_a_frame(p, clock))


def test_diff_view_wraps_long_lines_with_a_mark(snap_compare: SnapCompare) -> None:
    clock = FrozenClock()
    app, _ = busy_dashboard(clock)
    assert snap_compare(
        app, terminal_size=(80, 24), run_before=lambda p: draw_a_frame(p, clock, "v")
    )


def test_typing_in_the_dashboard_mid_hunk(snap_compare: SnapCompare) -> None:
    clock = FrozenClock()
    app, _ = busy_dashboard(clock)
    # The first file whole (Tab), then main.py's hunk that replaces a line: the old line is
    # shown going away.
    keys = ["t", "tab"]
    assert snap_compare(
        app, terminal_size=(120, 36), run_before=lambda p: draw_a_frame(p, clock, *keys)
    )


def test_typing_with_characters_typed(snap_compare: SnapCompare) -> None:
    clock = FrozenClock()
    app, _ = busy_dashboard(clock)
    keys = ["t", "tab", *"x" * 16]
    assert snap_compare(
        app, terminal_size=(80, 24), run_before=lambda p: draw_a_frame(p, clock, *keys)
    )


def test_live_benchmark_view(snap_compare: SnapCompare) -> None:
    clock = FrozenClock()
    app, _ = busy_dashboard(clock, step=4)
    assert snap_compare(
        app, terminal_size=(120, 36), run_before=lambda p: draw_a_frame(p, clock, "b")
    )


def test_paced_demo_answer(snap_compare: SnapCompare) -> None:
    clock = FrozenClock()
    app, _ = busy_dashboard(clock)
    assert snap_compare(
        app, terminal_size=(100, 30), run_before=lambda p: draw_a_frame(p, clock, "d", "d")
    )


def test_help_screen(snap_compare: SnapCompare) -> None:
    clock = FrozenClock()
    app, _ = busy_dashboard(clock)
    assert snap_compare(
        app, terminal_size=(100, 30), run_before=lambda p: draw_a_frame(p, clock, "question_mark")
    )


def test_quit_asks(snap_compare: SnapCompare) -> None:
    clock = FrozenClock()
    app, _ = busy_dashboard(clock)
    assert snap_compare(
        app, terminal_size=(80, 24), run_before=lambda p: draw_a_frame(p, clock, "q")
    )


SAY = "what to say about this part of the step, as long as the real course's points are. "


def ten_points_course() -> Course:
    """The sample course, its last step with ten long talking points (not the real course:
    edits to the real steps would change this picture)."""
    course = sample_course()
    points = (
        *(f"Point {n}: {SAY * 2}" for n in range(1, 8)),
        "Point at: the live table, the status column and the time in the app.",
        "If it breaks: a 500 on register -> read the serve pane, then vibecode rescue.",
        "If it breaks: the port is busy -> vibecode doctor names who holds it.",
    )
    steps = list(course.steps)
    steps[-1] = replace(steps[-1], talking_points=points)
    return replace(course, steps=tuple(steps))


@pytest.mark.parametrize("size", [(80, 24), (160, 45)], ids=["80x24", "160x45"])
def test_presenter_view_of_the_last_step(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    clock = FrozenClock()
    course = ten_points_course()
    fake = FakeBackend(course_=course, step=course.last, now=clock.time)
    fake.talk.clock(lambda c, now: c.start(now - 40 * 60))  # 40 minutes into the talk
    app = make_notes(fake, clock=clock, live=False)

    async def run_before(pilot: Pilot[None]) -> None:
        await app.workers.wait_for_complete()
        app.tick()
        await pilot.pause(0.3)  # the "more below" mark follows the layout

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_vibecode_type_view(snap_compare: SnapCompare) -> None:
    clock = FrozenClock()
    fake = FakeBackend(now=clock.time)
    typist = FakeTypist(fake, 4)
    typist.begin()
    app = TypeApp(typist)

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("enter", *"abcdefgh")

    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)


def test_the_readme_screenshot_is_generated_with_representative_data(tmp_path: Path) -> None:
    from vibecode.dashboard.screenshot import main

    output = tmp_path / "dashboard.svg"
    main([str(output), "--size", "100x30"])
    svg = output.read_text(encoding="utf-8")
    assert svg.startswith("<svg")
    text = html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")
    assert "Demo done:" in text and "as expected." in text
    assert "Live requests" in text and "UP http://127.0.0.1:8000" in text
