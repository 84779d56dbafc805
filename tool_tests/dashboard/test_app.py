"""Behaviour of the cockpit driven by keys, against the in-memory backend."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App

from vibecode.dashboard.app import DashboardApp, make_dashboard
from vibecode.dashboard.backend import FakeBackend, ServerStatus
from vibecode.dashboard.clock import FrozenClock
from vibecode.dashboard.screens.help import HelpScreen
from vibecode.dashboard.widgets.activity import ActivityPanel
from vibecode.dashboard.widgets.course_panel import CoursePanel
from vibecode.dashboard.widgets.request_table import RequestTable

ScreenText = Callable[[App[None]], str]
SIZE = (100, 30)


def request(path: str, *, t: float, status: int = 200, ms: float = 1.5) -> dict[str, object]:
    return {"type": "request", "t": t, "method": "GET", "path": path, "status": status, "ms": ms}


def activity(app: DashboardApp) -> str:
    return app.query_one(ActivityPanel).plain


async def test_keys_move_between_steps(fake: FakeBackend, clock: FrozenClock) -> None:
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.query_one(CoursePanel).step == 3
        await pilot.press("n")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert fake.step == 4
        assert app.query_one(CoursePanel).step == 4
        assert "Step 4: Do not block the event loop." in activity(app)
        await pilot.press("p", "p")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert fake.step == 2
        assert fake.calls.count("goto 3") == 1
        assert "goto 2" in fake.calls


async def test_moving_reports_the_edits_it_saved(fake: FakeBackend, clock: FrozenClock) -> None:
    fake.edited = ["app/main.py", "app/api/users.py"]
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("n")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = activity(app)
        assert "Saved your edits first (app/main.py, app/api/users.py)" in text
        assert "to get them back: vibecode restore 20261126T040000.000Z-step-04" in text


async def test_no_step_beyond_the_last(clock: FrozenClock) -> None:
    fake = FakeBackend(now=clock.time, step=5)
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("n")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Already at the last step." in activity(app)
        assert not [call for call in fake.calls if call.startswith("goto")]


async def test_demo_results_appear_in_activity_and_live_table(
    fake: FakeBackend, clock: FrozenClock, screen_text: ScreenText
) -> None:
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("d")
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.refresh_frame()
        await pilot.pause()
        assert "✓ POST /users/register → 201 Created" in activity(app)
        assert "Demo done: 3 of 3 as expected." in activity(app)
        rows = app.query_one(RequestTable).rows
        assert [row.path for row in rows] == ["/users/login", "/users/register", "/health"]
        assert "201 Created" in screen_text(app)


async def test_a_step_without_demo_says_so(clock: FrozenClock) -> None:
    fake = FakeBackend(now=clock.time, step=2)
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("d")
        await pilot.pause()
        assert "Step 2 has no demo requests." in activity(app)
        assert "demo 2" not in fake.calls


async def test_tap_events_reach_the_table_within_one_frame(fake: FakeBackend) -> None:
    app = make_dashboard(fake, live=True, fps=10)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.query_one(RequestTable)
        shown_in_frame: list[int] = []
        original = table.show

        def show(rows: Any) -> None:
            shown_in_frame.append(app.frames_drawn)  # the frame being drawn right now
            original(rows)

        table.show = show  # type: ignore[method-assign]
        before = app.frames_drawn
        fake.fake_tap.push(request("/injected", t=1_764_130_000.0, status=404))
        for _ in range(200):
            if table.rows:
                break
            await pilot.pause(0.02)
        assert [row.path for row in table.rows] == ["/injected"]
        # Pushed between two frames: the very next frame (number `before`) shows it.
        assert shown_in_frame[0] == before


async def test_many_events_are_one_table_update_per_frame(
    fake: FakeBackend, clock: FrozenClock
) -> None:
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        table = app.query_one(RequestTable)
        shows: list[int] = []
        original = table.show
        table.show = lambda rows: (shows.append(len(rows)), original(rows))[1]  # type: ignore[method-assign]
        fake.fake_tap.push(*(request(f"/r/{i}", t=clock.time() - 1) for i in range(5_000)))
        frame = app.refresh_frame()
        await pilot.pause()
        assert shows == [100]  # one update, bounded rows, newest first
        assert table.rows[0].path == "/r/4999"
        assert frame.total == 5_000
        assert frame.rps_now == 5_000
        assert frame.statuses["2xx"] == 5_000


async def test_a_broken_app_shows_its_import_error(
    clock: FrozenClock, screen_text: ScreenText
) -> None:
    error = "ModuleNotFoundError: No module named 'app.api.users'"
    fake = FakeBackend(now=clock.time, up=False, import_error=error)
    app = make_dashboard(fake, clock=clock, live=False, start_server=True)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert "DOWN" in text
        assert "The server cannot start:" in text
        assert "ModuleNotFoundError: No module named" in text  # wrapped in the panel
        assert "'app.api.users'" in text
        assert "start" in fake.calls
        assert "The server did not start" in activity(app)


async def test_s_stops_and_starts_the_server(
    fake: FakeBackend, clock: FrozenClock, screen_text: ScreenText
) -> None:
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "UP http://127.0.0.1:8000" in screen_text(app)
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert fake.calls[-1] == "stop"
        assert "DOWN" in screen_text(app)
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert fake.calls[-3:] == ["restart", "stop", "start"]
        assert "Server restart: up." in activity(app)


async def test_bench_shows_progress_then_results(clock: FrozenClock) -> None:
    fake = FakeBackend(now=clock.time, step=4)
    app = make_dashboard(fake, clock=clock, live=False)
    seen: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        panel = app.query_one(ActivityPanel)
        # Record every progress line the panel is given while the bench runs.
        panel.watch_progress = lambda line: seen.append(line)  # type: ignore[attr-defined]
        await pilot.press("b")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [line.split()[0] for line in seen[:4]] == ["await", "await", "blocking", "blocking"]
        assert [line.split()[-1] for line in seen[:4]] == ["25%", "50%", "75%", "100%"]
        assert seen[-1] == panel.progress == ""  # the progress line goes when the bench ends
        assert "Benchmark 1 of 2 blocking-vs-async" in activity(app)
        assert "blocking: 19 req/s" in activity(app)
        await pilot.press("b")  # the step's next scenario
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Benchmark 2 of 2 hashing-on-vs-off-loop" in activity(app)
        assert fake.calls[-2:] == ["bench blocking-vs-async", "bench hashing-on-vs-off-loop"]


async def test_diff_toggles_in_place_of_the_live_table(
    fake: FakeBackend, clock: FrozenClock, screen_text: ScreenText
) -> None:
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("v")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert "Diff: step 3 against step 2" in text
        assert "+from app.api import users" in text
        assert "Live requests" not in text
        await pilot.press("v")
        await pilot.pause()
        assert "Live requests" in screen_text(app)


async def test_help_lists_every_binding(
    fake: FakeBackend, clock: FrozenClock, screen_text: ScreenText
) -> None:
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        lines = screen_text(app).splitlines()
        for binding in DashboardApp.BINDINGS:
            key = binding.key_display or binding.key  # type: ignore[union-attr]
            description = binding.description  # type: ignore[union-attr]
            assert any(f"{key}  {description}" in line for line in lines), (key, description)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_footer_shows_every_key(
    fake: FakeBackend, clock: FrozenClock, screen_text: ScreenText
) -> None:
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        for key, word in [
            ("n", "Next"),
            ("p", "Prev"),
            ("d", "Demo"),
            ("b", "Bench"),
            ("s", "Start/stop"),
            ("r", "Restart"),
            ("v", "Diff"),
            ("?", "Help"),
            ("q", "Quit"),
        ]:
            assert f"{key} {word}" in footer


async def test_clocks_count_talk_and_step_time(fake: FakeBackend, clock: FrozenClock) -> None:
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        clock.advance(11 * 60 + 5)
        app.tick()
        await pilot.pause()
        panel = app.query_one(CoursePanel)
        assert panel.talk_seconds == 665
        clocks = panel.query_one("#clocks").render()
        assert "OVER +01:05" in str(clocks)
        await pilot.press("n")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert panel.step_seconds == 0
        assert panel.talk_seconds == 665


async def test_too_small_terminal_says_so(
    fake: FakeBackend, clock: FrozenClock, screen_text: ScreenText
) -> None:
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "needs at least 100x30" in screen_text(app)


async def test_a_running_server_with_a_broken_app_says_broken(
    fake: FakeBackend, clock: FrozenClock, screen_text: ScreenText
) -> None:
    error = "the workspace app fails to import: SyntaxError: invalid syntax (app/main.py:4)"
    broken = ServerStatus(up=False, running=True, url=fake.url, database="sqlite", error=error)
    fake.server_status = lambda: broken  # type: ignore[method-assign]
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert "BROKEN save a fix: the server reloads" in text
        assert "SyntaxError: invalid syntax" in text
        await pilot.press("s")  # the process runs: s stops it
        await app.workers.wait_for_complete()
        assert fake.calls[-1] == "stop"


async def test_a_failed_bench_is_retried_by_the_next_press(clock: FrozenClock) -> None:
    fake = FakeBackend(now=clock.time, step=4, up=False)
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("b")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "the server is not running (press s to start it)" in activity(app)
        fake.up = True
        await pilot.press("b")
        await app.workers.wait_for_complete()
        assert fake.calls[-2:] == ["bench blocking-vs-async", "bench blocking-vs-async"]


async def test_a_step_change_made_elsewhere_is_followed(fake: FakeBackend) -> None:
    app = make_dashboard(fake, live=True)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.query_one(CoursePanel).step == 3
        fake.step = 5  # `vibecode goto 5` in another terminal
        for _ in range(100):
            if app.query_one(CoursePanel).step == 5:
                break
            await pilot.pause(0.05)
        assert app.query_one(CoursePanel).step == 5
        assert not [call for call in fake.calls if call.startswith("goto")]
