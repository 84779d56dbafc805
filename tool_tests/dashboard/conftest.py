"""Fixtures for the dashboard's tests: a fake backend, frozen clocks, a fixed time zone."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.app import App

from vibecode.dashboard.backend import FakeBackend
from vibecode.dashboard.clock import FrozenClock


@pytest.fixture(autouse=True)
def utc() -> Iterator[None]:
    """Request times are shown in local time: pin it so screenshots do not depend on the host."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.fixture
def clock() -> FrozenClock:
    """Both clocks frozen at 2025-11-26 04:06:40 UTC."""
    return FrozenClock(1_764_130_000.0)


@pytest.fixture
def fake(clock: FrozenClock) -> FakeBackend:
    """The sample course at step 3, a server that is up, an in-memory tap."""
    return FakeBackend(now=clock.time)


def _screen_text(app: App[None]) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


@pytest.fixture
def screen_text() -> Callable[[App[None]], str]:
    """A function giving the characters on an app's current screen, one line per row."""
    return _screen_text


@pytest.fixture
def forget_tap_folder(tmp_path: Path) -> Iterator[None]:
    """Remove the /tmp tap folder of the test's workspace (`tmp_path / "ws"`) afterwards."""
    from vibecode.tap.channel import tap_dir_for

    yield
    shutil.rmtree(tap_dir_for(tmp_path / "ws"), ignore_errors=True)
