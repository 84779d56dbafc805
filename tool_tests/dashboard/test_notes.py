"""The presenter view, and the two views driving one talk (against the in-memory backend)."""

from __future__ import annotations

import os
from collections.abc import Callable

from textual.app import App

from vibecode.course.manifest import load_course
from vibecode.dashboard.app import make_dashboard
from vibecode.dashboard.backend import FakeBackend
from vibecode.dashboard.clock import FrozenClock
from vibecode.dashboard.notes_app import make_notes
from vibecode.dashboard.widgets.activity import ActivityPanel
from vibecode.dashboard.widgets.talking_points import TalkingPoints
from vibecode.paths import steps_root

ScreenText = Callable[[App[None]], str]


def last_step_backend(clock: FrozenClock) -> FakeBackend:
    course = load_course(steps_root())
    return FakeBackend(course_=course, step=course.last, now=clock.time)


async def test_every_talking_point_scrolls_into_view_with_what_is_hidden_counted(
    clock: FrozenClock, screen_text: ScreenText
) -> None:
    fake = last_step_backend(clock)
    app = make_notes(fake, clock=clock, live=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        points = app.query_one(TalkingPoints)
        assert len(points.items) == len(fake.course.step(fake.course.last).talking_points) > 5
        above, below = points.hidden()
        assert above == 0 and below > 0
        assert f"▼ {below} more below" in screen_text(app)
        await pilot.press("down", "down")
        await pilot.pause(0.3)
        assert points.scroller.scroll_y == 6  # three rows a press
        await pilot.press("end")
        await pilot.pause(0.3)
        above, below = points.hidden()
        assert above > 0 and below == 0
        text = screen_text(app)
        assert f"▲ {above} above" in text and "more below" not in text
        assert "If it breaks: " in text  # the recovery moves are the presenter's


async def test_it_shows_the_timers_the_next_step_and_what_the_room_sees(
    clock: FrozenClock, screen_text: ScreenText
) -> None:
    course = load_course(steps_root())
    fake = FakeBackend(course_=course, step=3, now=clock.time)
    app = make_notes(fake, clock=clock, live=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("c")
        await app.workers.wait_for_complete()
        clock.advance(90)
        app.tick()
        await pilot.pause()
        text = screen_text(app)
        assert "Talk 01:30 ▶ running" in text
        assert f"Step 4: {course.step(4).title}"[:30] in text
        assert "No audience view" in text
        fake.talk.say("typing app/main.py · hunk 2 of 5", pid=os.getpid())
        await pilot.pause()
        assert "typing app/main.py · hunk 2 of 5" in screen_text(app)


async def test_its_keys_move_the_talk_and_hand_typing_to_the_audience_view(
    clock: FrozenClock,
) -> None:
    fake = FakeBackend(now=clock.time)
    app = make_notes(fake, clock=clock, live=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("n")
        await app.workers.wait_for_complete()
        assert fake.step == 4  # the presenter view moves the workspace itself
        await pilot.press("t")
        await app.workers.wait_for_complete()
        assert fake.talk.read().cues == ()  # nobody to show it: nothing sent
        fake.talk.say("live requests", pid=os.getpid())  # an audience view is up
        await pilot.press("t")
        await app.workers.wait_for_complete()
        fake.talk.say("typing app/api/users.py · hunk 1 of 2", pid=os.getpid())
        await pilot.press("x", "y", "enter", "tab", "escape")
        await app.workers.wait_for_complete()
        actions = [(cue.action, cue.by) for cue in fake.talk.read().cues]
        assert actions == [
            ("type", "notes"),
            ("key", "notes"),
            ("key", "notes"),
            ("hunk", "notes"),
            ("file", "notes"),
            ("stop", "notes"),
        ]
        assert fake.step == 4  # while the room types, keys are typing keys


async def test_the_audience_view_runs_the_presenters_cues(
    fake: FakeBackend, clock: FrozenClock, screen_text: ScreenText
) -> None:
    fake.talk.cue("bench", by="notes")  # an old cue, from before this dashboard: ignored
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not [c for c in fake.calls if c.startswith("bench")]
        audience = fake.talk.read().live_audience()
        assert audience is not None and audience.pid == os.getpid()
        fake.talk.cue("type", by="notes")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.typing is not None
        assert fake.talk.read().audience.doing.startswith("typing app/api/users.py")  # type: ignore[union-attr]
        for _ in range(4):
            fake.talk.cue("key", by="notes")
        await pilot.pause()
        assert app.typing.player is not None and app.typing.player.typed == 12
        fake.talk.cue("step", by="notes")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert fake.step == 4 and app.typing is None
        assert "Step 4 typed" in app.query_one(ActivityPanel).plain
        fake.talk.cue("demo", by="notes")  # step 4 of the sample course has none
        await pilot.pause()
        assert "Step 4 has no demo requests." in app.query_one(ActivityPanel).plain
        fake.talk.cue("type", by="dashboard")  # its own cues are not run twice
        await pilot.pause()
        assert app.typing is None


async def test_the_audience_view_shows_no_talking_points(
    clock: FrozenClock, screen_text: ScreenText
) -> None:
    fake = last_step_backend(clock)
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=(160, 45)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        step = fake.course.step(fake.course.last)
        assert step.title in text and "Goal" in text
        for point in step.talking_points:
            assert point[:30] not in text
        assert "If it breaks" not in text


async def test_a_talking_point_quotes_the_url_being_served(
    clock: FrozenClock, screen_text: ScreenText
) -> None:
    course = load_course(steps_root())
    register = next(step for step in course.steps if "${url}" in " ".join(step.talking_points))
    fake = FakeBackend(course_=course, step=register.number, now=clock.time)
    fake.url = "http://127.0.0.1:8765"  # served on another port than the default
    app = make_notes(fake, clock=clock, live=False)
    async with app.run_test(size=(140, 50)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        points = app.query_one(TalkingPoints)
        await pilot.press("end")
        await pilot.pause(0.3)
        shown = "".join(screen_text(app).split())
        assert "http://127.0.0.1:8765/users/register" in shown, shown
        assert "${url}" not in shown and ":8000/users" not in shown
        assert points.items
