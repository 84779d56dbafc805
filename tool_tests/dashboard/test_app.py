"""Behaviour of the cockpit driven by keys, against the in-memory backend."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from textual.app import App

from vibecode.dashboard.app import DashboardApp, make_dashboard
from vibecode.dashboard.backend import FakeBackend, ServerStatus
from vibecode.dashboard.clock import FrozenClock
from vibecode.dashboard.screens.confirm import ConfirmScreen
from vibecode.dashboard.screens.help import HelpScreen
from vibecode.dashboard.widgets.activity import ActivityPanel
from vibecode.dashboard.widgets.bench_panel import BenchPanel
from vibecode.dashboard.widgets.course_panel import CoursePanel
from vibecode.dashboard.widgets.metrics_panel import MetricsPanel
from vibecode.dashboard.widgets.request_table import RequestTable
from vibecode.tap.events import RequestEvent

ScreenText = Callable[[App[None]], str]
SIZE = (100, 30)


def request(path: str, *, t: float, status: int = 200, ms: float = 1.5) -> RequestEvent:
    return RequestEvent(t=t, method="GET", path=path, status=status, ms=ms)


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


async def test_a_paced_demo_shows_each_request_then_sends_it_on_the_next_key(
    fake: FakeBackend, clock: FrozenClock, screen_text: ScreenText
) -> None:
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("d")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert "Demo 1 of 3: health" in text and "GET /health" in text
        assert not [c for c in fake.calls if c.startswith("send")]  # shown, not sent
        await pilot.press("d")  # sends it
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert fake.calls[-1] == "send 3.1"
        assert "200 OK" in screen_text(app) and "x-request-id: req-1" in screen_text(app)
        await pilot.press("pagedown")  # a clicker shows the next request...
        await pilot.pause()
        assert "Demo 2 of 3: register" in screen_text(app)
        assert fake.step == 3  # ...and does not move the step during a demo
        for key in ("space", "d", "d", "d"):  # send 2, show 3, send 3, end
            await pilot.press(key)
            await app.workers.wait_for_complete()
            await pilot.pause()
        sent = [c for c in fake.calls if c.startswith("send")]
        assert sent == ["send 3.1", "send 3.2", "send 3.3"]
        assert "✓ POST /users/register → 201 Created" in activity(app)
        assert "Demo done: 3 of 3 as expected." in activity(app)
        app.refresh_frame()
        await pilot.pause()
        rows = app.query_one(RequestTable).rows
        assert [row.path for row in rows] == ["/users/login", "/users/register", "/health"]
        assert "Live requests" in screen_text(app)


async def test_escape_ends_a_paced_demo_early(fake: FakeBackend, clock: FrozenClock) -> None:
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("d")
        await app.workers.wait_for_complete()
        await pilot.press("d")
        await app.workers.wait_for_complete()
        await pilot.press("escape")
        await pilot.pause()
        assert app.demo is None
        assert "Demo ended after 1 of 3 requests: 1 as expected." in activity(app)


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

        def show(rows: Any) -> None:
            shows.append(len(rows))
            original(rows)

        table.show = show  # type: ignore[method-assign]
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


async def test_s_asks_then_stops_and_starts_the_server(
    fake: FakeBackend, clock: FrozenClock, screen_text: ScreenText
) -> None:
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "UP http://127.0.0.1:8000" in screen_text(app)
        await pilot.press("s")
        await pilot.pause()
        assert "Stop the server?" in screen_text(app)  # s asks first
        assert "stop" not in fake.calls
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert fake.calls[-1] == "stop"
        assert "DOWN" in screen_text(app)
        await pilot.press("s", "y")
        await app.workers.wait_for_complete()
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert fake.calls[-3:] == ["restart", "stop", "start"]
        assert "Server restart: up." in activity(app)


async def test_a_refused_restart_prints_no_success_line(clock: FrozenClock) -> None:
    fake = FakeBackend(now=clock.time, attached=True)
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = activity(app)
        assert "this server was not started by the dashboard" in text
        assert "Server restart" not in text


async def test_bench_shows_the_live_view_then_results(
    clock: FrozenClock, screen_text: ScreenText
) -> None:
    fake = FakeBackend(now=clock.time, step=4)
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("b")
        await app.workers.wait_for_complete()
        await pilot.pause()
        panel = app.query_one(BenchPanel)
        assert [side.label for side in panel.sides] == ["await", "blocking"]
        blocking = panel.side("blocking")
        assert blocking.rps == [19.0, 19.0]  # the req/s line, one point per snapshot
        assert blocking.p99_ms == 8_100.0 and blocking.oldest_wait_ms == 8_200.0
        assert sum(blocking.counts) == 20 and blocking.status == {200: 20}
        text = screen_text(app)
        assert "clients wait p50 / p99" in text
        assert "2.60 s / 8.10 s" in text  # what the clients waited, in words and numbers
        assert "latency, blocking" in text and ">5 s" in text
        assert "Benchmark 1 of 2 blocking-vs-async" in activity(app)
        assert "blocking: 19 req/s" in activity(app)
        await pilot.press("b")  # the step's next scenario
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Benchmark 2 of 2 hashing-on-vs-off-loop" in activity(app)
        assert fake.calls[-2:] == ["bench blocking-vs-async", "bench hashing-on-vs-off-loop"]


async def test_the_traffic_panel_shows_what_bench_clients_wait_beside_the_app_time(
    clock: FrozenClock, screen_text: ScreenText
) -> None:
    fake = FakeBackend(now=clock.time, step=4)
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        traffic = app.query_one(MetricsPanel).traffic
        seen: list[float | None] = []
        original = traffic.show_wait

        def show_wait(p99_ms: float | None) -> None:
            seen.append(p99_ms)
            original(p99_ms)

        traffic.show_wait = show_wait  # type: ignore[method-assign]
        await pilot.press("b")
        await app.workers.wait_for_complete()
        await pilot.pause()
        # During the run: every snapshot's client p99 (61 ms, then 8.1 s); after it, hidden.
        assert seen == [61.0, 61.0, 8_100.0, 8_100.0, None]
        traffic.show_wait(8_100.0)
        await pilot.pause()
        text = screen_text(app)
        assert "waited" in text and "p99 8.10 s" in text
        assert "app p99" in text  # beside the time the app itself spent


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
            if not binding.show:  # type: ignore[union-attr]
                continue  # the clicker keys share their action's line
            key = binding.key_display or binding.key  # type: ignore[union-attr]
            description = binding.description  # type: ignore[union-attr]
            assert any(f"{key}  {description}" in line for line in lines), (key, description)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_the_key_bar_shows_what_fits_and_says_when_keys_are_left_out(
    fake: FakeBackend, clock: FrozenClock, screen_text: ScreenText
) -> None:
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        for key, word in [
            ("n", "Next"),
            ("p", "Prev"),
            ("t", "Type"),
            ("d", "Demo"),
            ("b", "Bench"),
            ("!", "Rescue"),
            ("v", "Diff"),
            ("s", "Server"),
            ("r", "Restart"),
            ("c", "Clock"),
            ("?", "Help"),
            ("q", "Quit"),
        ]:
            assert f"{key} {word}" in footer
        assert "more keys" not in footer
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert footer.rstrip().endswith("? more keys")
        assert "n Next" in footer and len(footer) <= 80


async def test_the_talk_timer_starts_on_a_key_pauses_and_resets_after_asking(
    fake: FakeBackend, clock: FrozenClock, screen_text: ScreenText
) -> None:
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        clock.advance(300)  # the dashboard's uptime is not the talk's
        app.tick()
        await pilot.pause()
        assert "Talk 00:00 not started" in screen_text(app)
        await pilot.press("c")
        await app.workers.wait_for_complete()
        clock.advance(11 * 60 + 5)
        app.tick()
        await pilot.pause()
        assert fake.talk.read().clock.talk_seconds(clock.time()) == 665
        assert "Talk 11:05 ▶ running" in screen_text(app)
        # Step 3 of the sample course starts at minute 15 and has 10: 11:05 in is ahead
        # by 15:00 + 10:00 (the step budget, used up) - 11:05.
        assert "-13:55 ahead" in screen_text(app)
        await pilot.press("c")  # pause
        await app.workers.wait_for_complete()
        clock.advance(600)
        app.tick()
        await pilot.pause()
        assert "Talk 11:05 ⏸ paused" in screen_text(app)
        await pilot.press("n")  # a new step starts its own timer
        await app.workers.wait_for_complete()
        await pilot.press("c")
        await app.workers.wait_for_complete()
        clock.advance(30)
        app.tick()
        await pilot.pause()
        assert "Step 00:30 / 08:00" in screen_text(app)
        await pilot.press("C")
        await pilot.pause()
        assert "Reset the talk timer to 00:00?" in screen_text(app)
        await pilot.press("n")  # no: nothing changes
        await app.workers.wait_for_complete()
        assert fake.talk.read().clock.talk_seconds(clock.time()) == 695
        await pilot.press("C", "y")
        await app.workers.wait_for_complete()
        app.tick()
        await pilot.pause()
        assert fake.talk.read().clock.talk_seconds(clock.time()) == 0
        assert "Talk 00:00 not started" in screen_text(app)


async def test_the_timer_survives_a_restart_of_the_dashboard(
    fake: FakeBackend, clock: FrozenClock, screen_text: ScreenText
) -> None:
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("c")
        await app.workers.wait_for_complete()
        clock.advance(125)
    again = make_dashboard(fake, clock=clock, live=False)
    async with again.run_test(size=SIZE) as pilot:
        await again.workers.wait_for_complete()
        again.tick()
        await pilot.pause()
        assert "Talk 02:05 ▶ running" in screen_text(again)


async def test_clicker_keys_move_between_steps(fake: FakeBackend, clock: FrozenClock) -> None:
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        for key, step in (("pagedown", 4), ("right", 5), ("pageup", 4), ("left", 3)):
            await pilot.press(key)
            await app.workers.wait_for_complete()
            assert fake.step == step, key


async def test_q_asks_before_quitting(
    fake: FakeBackend, clock: FrozenClock, screen_text: ScreenText
) -> None:
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("q")
        await pilot.pause()
        assert "Quit vibecode dashboard?" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert app.is_running and not isinstance(app.screen, ConfirmScreen)
        await pilot.press("q", "y")
        await pilot.pause()
        assert not app.is_running


async def test_the_rescue_key_goes_back_to_the_checkpoint_saying_what_it_saved(
    fake: FakeBackend, clock: FrozenClock
) -> None:
    fake.edited = ["app/main.py"]
    fake.up = False
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("exclamation_mark")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "rescue" in fake.calls and fake.up
        text = activity(app)
        assert "Back to step 3's checkpoint; database rebuilt; server up." in text
        assert "Saved first: app/main.py (vibecode restore 20261126T040000.000Z-step-03)" in text


async def test_too_small_terminal_says_so(
    fake: FakeBackend, clock: FrozenClock, screen_text: ScreenText
) -> None:
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=(79, 23)) as pilot:
        await pilot.pause()
        assert "needs at least 80x24" in screen_text(app)


async def test_80x24_is_a_compact_layout_that_gives_the_path_its_space(
    fake: FakeBackend, clock: FrozenClock, screen_text: ScreenText
) -> None:
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        fake.fake_tap.push(
            request("/demo/blocking-sleep?ms=50", t=clock.time() - 1, status=500),
            request("/demo/async-sleep?ms=50", t=clock.time() - 1),
        )
        app.refresh_frame()
        await pilot.pause()
        text = screen_text(app)
        assert "needs at least" not in text
        assert "/demo/blocking-sleep?ms=50" in text and "/demo/async-sleep?ms=50" in text
        assert "500 Internal Server Error" in text  # the status text whole
        assert "In app" in text  # the tap's column says what it measures
        assert "Step 3 of 5 · Register users" in text
        assert "UP http://127.0.0.1:8000" in text


@pytest.mark.parametrize(("width", "with_ids"), [(80, False), (100, True), (120, True)])
async def test_the_request_id_column_when_the_path_keeps_its_room(
    fake: FakeBackend, clock: FrozenClock, screen_text: ScreenText, width: int, with_ids: bool
) -> None:
    long_id = "4f1c2a9d0e3b47c6a1d5f0e2c3b4be07"  # the 32-hex id the course's app makes
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=(width, 30)) as pilot:
        await app.workers.wait_for_complete()
        fake.fake_tap.push(
            replace(request("/demo/fail", t=clock.time() - 1, status=500), rid="demo-fail-7"),
            replace(request("/demo/blocking-sleep?ms=50", t=clock.time() - 1), rid=long_id),
            request("/docs", t=clock.time() - 1),  # an app without request ids (before step 11)
        )
        app.refresh_frame()
        await pilot.pause()
        text = screen_text(app)
        assert "500 Internal Server Error" in text  # never clipped
        assert "/demo/blocking-sleep?ms=50" in text  # the path keeps its room beside the ids
        if not with_ids:
            assert "Request id" not in text and "demo-fail-7" not in text
            return
        assert "Request id" in text and "demo-fail-7" in text
        [row] = [line for line in text.splitlines() if "/demo/blocking-sleep" in line]
        assert "4f1c2a9d" in row and "…" in row and row.rstrip(" │").endswith("be07")


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
        await pilot.press("s", "y")  # the process runs: s stops it
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


async def test_the_bench_view_puts_the_sides_own_time_in_the_app_beside_the_wait(
    clock: FrozenClock,
) -> None:
    fake = FakeBackend(now=clock.time, step=4)
    app = make_dashboard(fake, clock=clock, live=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        fake.fake_tap.push(
            *(request("/demo/blocking-sleep?ms=50", t=clock.time() - 1, ms=52.0) for _ in range(9)),
            request("/health", t=clock.time() - 1, ms=900.0),  # another path: not this side's
        )
        app.refresh_frame()
        await pilot.press("b")
        await app.workers.wait_for_complete()
        await pilot.pause()
        blocking = app.query_one(BenchPanel).side("blocking")
        assert blocking.app_p99_ms == 52.0  # 52 ms in the app...
        assert blocking.p99_ms == 8_100.0  # ...while its clients waited 8.1 s
