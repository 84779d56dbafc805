"""Write a screenshot of the dashboard with representative data, for the README.

    python -m vibecode.dashboard.screenshot docs/dashboard.svg [--size 120x34]

The course is the real one when `steps/` exists; the server, the traffic and the demo are
the in-memory backend's, with frozen clocks, so the picture is the same on every run.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from vibecode.course.manifest import Course, load_course
from vibecode.dashboard.app import make_dashboard
from vibecode.dashboard.backend import FakeBackend
from vibecode.dashboard.clock import FrozenClock
from vibecode.dashboard.sample import sample_course, sample_traffic
from vibecode.errors import VibecodeError
from vibecode.paths import steps_root


def _course() -> Course:
    try:
        course = load_course(steps_root())
    except VibecodeError:
        return sample_course()
    return course if course.steps else sample_course()


def _step_with_demos(course: Course) -> int:
    """The step with the most demo requests: it makes the liveliest picture."""
    return max(course.steps, key=lambda step: (len(step.demos), -step.number)).number


async def _render(size: tuple[int, int]) -> str:
    course = _course()
    clock = FrozenClock()
    backend = FakeBackend(course_=course, step=_step_with_demos(course) - 1, now=clock.time)
    app = make_dashboard(backend, clock=clock, live=False)
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("c")  # the talk timer runs
        await app.workers.wait_for_complete()
        clock.advance(97 * 60 + 41)  # well into the talk, about where the schedule says
        await pilot.press("n")
        await app.workers.wait_for_complete()
        clock.advance(4 * 60 + 5)
        backend.fake_tap.push(*sample_traffic(clock.time()))
        demos = len(course.step(backend.step).demos)
        for _ in range(2 * demos + 1):  # each request shown, then sent; the last press ends it
            await pilot.press("d")
            await app.workers.wait_for_complete()
        app.tick()
        app.refresh_frame()
        await pilot.pause()
        return app.export_screenshot(title="vibecode dashboard")


def main(argv: list[str] | None = None) -> None:
    """Write the screenshot to the given path."""
    parser = argparse.ArgumentParser(description="Write a dashboard screenshot (SVG).")
    parser.add_argument("output", type=Path)
    parser.add_argument("--size", default="120x34", help="COLUMNSxROWS")
    options = parser.parse_args(argv)
    columns, rows = (int(part) for part in options.size.lower().split("x"))
    options.output.write_text(asyncio.run(_render((columns, rows))), encoding="utf-8")


if __name__ == "__main__":
    main()
