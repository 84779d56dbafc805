"""How the cockpit looks, at the smallest supported terminal and a projector-sized one.

Clocks are frozen and timers off (`live=False`): the test draws one frame itself.
Regenerate after an intended change: `pytest tool_tests/dashboard --snapshot-update`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from vibecode.dashboard.app import DashboardApp, make_dashboard
from vibecode.dashboard.backend import FakeBackend
from vibecode.dashboard.clock import FrozenClock
from vibecode.dashboard.sample import sample_traffic

SnapCompare = Callable[..., bool]


def busy_dashboard(clock: FrozenClock, **backend: Any) -> tuple[DashboardApp, FakeBackend]:
    fake = FakeBackend(now=clock.time, **backend)
    return make_dashboard(fake, clock=clock, live=False), fake


async def draw_a_frame(pilot: Pilot[None], clock: FrozenClock, *keys: str) -> None:
    app = pilot.app
    assert isinstance(app, DashboardApp)
    await app.workers.wait_for_complete()
    await pilot.press(*keys)
    await app.workers.wait_for_complete()
    clock.advance(7 * 60 + 12)
    app.tick()
    assert isinstance(app.backend, FakeBackend)
    app.backend.fake_tap.push(*sample_traffic(clock.time()))
    app.refresh_frame()
    await pilot.pause()


@pytest.mark.parametrize("size", [(100, 30), (160, 45)], ids=["100x30", "160x45"])
def test_dashboard_under_traffic(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    clock = FrozenClock()
    app, _ = busy_dashboard(clock)
    assert snap_compare(app, terminal_size=size, run_before=lambda p: draw_a_frame(p, clock))


def test_broken_app(snap_compare: SnapCompare) -> None:
    clock = FrozenClock()
    error = (
        "the workspace app fails to import: "
        "ModuleNotFoundError: No module named 'app.api.users' (app/main.py:3)"
    )
    app, _ = busy_dashboard(clock, up=False, import_error=error)
    assert snap_compare(app, terminal_size=(100, 30), run_before=lambda p: draw_a_frame(p, clock))


def test_diff_view(snap_compare: SnapCompare) -> None:
    clock = FrozenClock()
    app, _ = busy_dashboard(clock)
    assert snap_compare(
        app, terminal_size=(100, 30), run_before=lambda p: draw_a_frame(p, clock, "v")
    )


def test_the_readme_screenshot_is_generated_with_representative_data(tmp_path: Path) -> None:
    from vibecode.dashboard.screenshot import main

    output = tmp_path / "dashboard.svg"
    main([str(output), "--size", "100x30"])
    svg = output.read_text(encoding="utf-8")
    assert svg.startswith("<svg")
    text = html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")
    assert "Demo done:" in text and "as expected." in text
    assert "Live requests" in text and "UP http://127.0.0.1:8000" in text


def test_help_screen(snap_compare: SnapCompare) -> None:
    clock = FrozenClock()
    app, _ = busy_dashboard(clock)
    assert snap_compare(
        app, terminal_size=(100, 30), run_before=lambda p: draw_a_frame(p, clock, "question_mark")
    )
