"""The shared talk: the clock's arithmetic, the file both views share, the cues, the watcher."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from vibecode.course.manifest import load_course
from vibecode.paths import steps_root
from vibecode.talk.pace import behind_seconds, pace_text
from vibecode.talk.state import TalkClock, TalkStore
from vibecode.talk.watch import TalkWatcher
from vibecode.workspace import apply


def workspace_at(tmp_path: Path, step: int = 1) -> Path:
    workspace = tmp_path / "ws"
    apply.goto(load_course(steps_root()), workspace, step)
    return workspace


def test_the_clock_runs_pauses_and_resets_in_wall_time() -> None:
    clock = TalkClock().start(1000.0)
    assert clock.talk_seconds(1060.0) == 60
    paused = clock.pause(1060.0)
    assert paused.talk_seconds(5000.0) == 60 and not paused.running
    again = paused.toggle(6000.0)
    assert again.talk_seconds(6030.0) == 90
    moved = again.at_step(4, 6030.0)
    assert moved.step_seconds(6090.0) == 60 and moved.talk_seconds(6090.0) == 150
    assert moved.at_step(4, 9999.0) is moved  # the same step: its timer goes on
    reset = moved.reset()
    assert reset.talk_seconds(9999.0) == 0 and not reset.started and reset.step == 4


def test_ahead_or_behind_counts_late_arrivals_and_overruns() -> None:
    course = load_course(steps_root())
    second = course.step(2)
    start = course.step(1).minutes * 60
    assert behind_seconds(course, 2, start, 0) == 0  # on the minute
    assert behind_seconds(course, 2, start + 90, 0) == 90  # arrived 90 s late
    overrun = second.minutes * 60 + 30
    assert behind_seconds(course, 2, start + overrun, overrun) == 30  # 30 s past its budget
    assert pace_text(-125) == "-02:05 ahead" and pace_text(61) == "+01:01 behind"
    assert pace_text(10) == "on time"


def test_the_talk_is_kept_in_the_workspace_and_read_by_another_store(tmp_path: Path) -> None:
    workspace = workspace_at(tmp_path)
    one = TalkStore(workspace, clock=lambda: 1000.0)
    one.clock(lambda clock, now: clock.start(now))
    one.cue("type", by="notes")
    other = TalkStore(workspace, clock=lambda: 1100.0)
    state = other.read()
    assert state.clock.talk_seconds(1100.0) == 100
    assert [(c.id, c.action, c.by) for c in state.cues] == [(1, "type", "notes")]
    assert state.cues_after(1) == ()


def test_before_the_workspace_exists_the_talk_stays_in_memory(tmp_path: Path) -> None:
    workspace = tmp_path / "not-yet"
    store = TalkStore(workspace)
    store.clock(lambda clock, now: clock.start(now))
    assert store.read().clock.running
    # Writing .vibecode/ here would make the folder look like a broken workspace to goto.
    assert not workspace.exists()
    apply.goto(load_course(steps_root()), workspace, 1)


def test_two_views_updating_at_once_both_count(tmp_path: Path) -> None:
    workspace = workspace_at(tmp_path)
    stores = [TalkStore(workspace), TalkStore(workspace)]

    def send(store: TalkStore) -> None:
        for _ in range(20):
            store.cue("key")

    threads = [threading.Thread(target=send, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cues = TalkStore(workspace).read().cues
    assert [cue.id for cue in cues] == list(range(1, 41))


def test_an_unreadable_talk_file_is_a_fresh_talk(tmp_path: Path) -> None:
    workspace = workspace_at(tmp_path)
    store = TalkStore(workspace)
    store.path.write_text("{not json")
    assert store.read().cues == ()
    store.cue("demo")
    assert [cue.action for cue in TalkStore(workspace).read().cues] == ["demo"]


def test_the_audience_view_says_what_it_shows_and_leaves(tmp_path: Path) -> None:
    workspace = workspace_at(tmp_path)
    store = TalkStore(workspace)
    store.say("typing app/main.py · hunk 2 of 5")
    audience = TalkStore(workspace).read().live_audience()
    assert audience is not None and audience.doing.startswith("typing app/main.py")
    store.leave()
    assert TalkStore(workspace).read().live_audience() is None
    store.say("live requests", pid=2**22 + 12345)  # a pid that is not running
    assert TalkStore(workspace).read().live_audience() is None


def test_the_watcher_follows_the_other_views_writes(tmp_path: Path) -> None:
    workspace = workspace_at(tmp_path)
    seen: list[set[str]] = []
    arrived = threading.Event()

    def changed(names: set[str]) -> None:
        seen.append(names)
        arrived.set()

    watcher = TalkWatcher(workspace, changed).start()
    try:
        time.sleep(0.3)  # the watch is set up
        TalkStore(workspace).cue("type", by="notes")
        assert arrived.wait(10), "the watcher never saw talk.json change"
        assert any("talk.json" in names for names in seen)
        arrived.clear()
        apply.goto(load_course(steps_root()), workspace, 2)
        assert arrived.wait(10)
        assert any("state.json" in names for names in seen)
    finally:
        watcher.stop()
