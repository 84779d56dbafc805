"""The room in the two views, on a real room: the audience sees figures, the presenter names."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console

from tool_tests.room.room_kit import cli, running_room
from vibecode.course.loader import load
from vibecode.dashboard.app import make_dashboard
from vibecode.dashboard.notes_app import make_notes
from vibecode.dashboard.real_backend import RealBackend
from vibecode.dashboard.widgets.room_panel import RoomPanel

pytestmark = pytest.mark.e2e


def shown(panel: RoomPanel) -> str:
    """What the panel draws of the figures it fetched last."""
    assert panel.latest is not None
    screen = StringIO()
    Console(file=screen, width=60, color_system=None).print(panel.draw(panel.latest))
    return screen.getvalue()


async def wait_frames(panel: RoomPanel, count: int) -> None:
    for _ in range(100):
        if panel.frames >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the room panel drew {panel.frames} frames")


async def test_the_dashboard_shows_the_histogram_and_the_notes_the_names(
    make_workspace: Callable[[str, int], Path],
) -> None:
    presenter = make_workspace("presenter", 3)
    ada = make_workspace("ada", 3)
    with running_room(presenter) as room:
        done = cli("join", room.record.join_url, room.record.code, "--name", "Ada L", workspace=ada)
        assert done.returncode == 0
        room.wait_for(lambda s: s["attendee_list"][0]["step"] == 3 if s["attendee_list"] else False)
        backend = RealBackend(load(), presenter)
        try:
            app = make_dashboard(backend)
            async with app.run_test(size=(140, 42)) as pilot:
                await wait_frames(app.room_panel, 3)
                await pilot.pause()
                assert app.room_panel.display
                text = shown(app.room_panel)
                assert "1 attendee · presenter at step 3" in text
                assert "Ada" not in text  # the audience view never shows names
        finally:
            backend.close()
        backend = RealBackend(load(), presenter)
        try:
            notes = make_notes(backend)
            async with notes.run_test(size=(140, 42)) as pilot:
                await wait_frames(notes.progress, 2)
                await pilot.pause()
                text = shown(notes.progress)
                assert "Ada L" in text
                assert "nobody stuck" in text
        finally:
            backend.close()


async def test_the_panel_hides_without_a_room(make_workspace: Callable[[str, int], Path]) -> None:
    presenter = make_workspace("presenter", 3)
    backend = RealBackend(load(), presenter)
    try:
        app = make_dashboard(backend)
        async with app.run_test(size=(140, 42)) as pilot:
            await pilot.pause(0.6)
            assert not app.room_panel.has_class("-open")
            assert app.room_panel.frames == 0
    finally:
        backend.close()
