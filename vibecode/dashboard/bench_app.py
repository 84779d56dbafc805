"""`vibecode bench --live`: the benchmark drawn as it runs (oha's view), then the usual report."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType

from vibecode.dashboard.backend import BenchProgress
from vibecode.dashboard.theme import THEME_NAME, projector
from vibecode.dashboard.widgets.bench_panel import BenchPanel

T = TypeVar("T")
Job = Callable[[Callable[[Any], None], Callable[[str], None], threading.Event], T]
"""Runs the load: (on_progress for loadgen snapshots, on_side, stop) -> the result."""


class BenchLiveApp(App[None], Generic[T]):
    """Runs `job` in a worker and shows its progress; closes when it is done (or on Ctrl-C)."""

    TITLE = "vibecode bench"
    ENABLE_COMMAND_PALETTE = False
    CSS = "Screen { background: #000000; }"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+c", "stop", "Stop", priority=True),
        Binding("q", "stop", "Stop"),
    ]

    def __init__(self, job: Job[T], *, title: str, sides: Sequence[str], seconds: float) -> None:
        super().__init__()
        self.job = job
        self.panel = BenchPanel(id="bench")
        self.title_text = title
        self.sides = list(sides)
        self.seconds = seconds
        self.result: T | None = None
        self.error: BaseException | None = None
        self.stopped = threading.Event()

    def compose(self) -> ComposeResult:
        yield self.panel

    def on_mount(self) -> None:
        self.register_theme(projector())
        self.theme = THEME_NAME
        self.panel.begin(self.title_text, self.sides)
        self.run_worker(self._run, thread=True)

    def _run(self) -> None:
        from vibecode.dashboard.bench_feed import BenchFeed

        feed = BenchFeed(self.sides, self.seconds, self._progress_from_thread)
        try:
            self.result = self.job(feed.progress, feed.side, self.stopped)
        except BaseException as error:  # raised again by the caller, after the screen is gone
            self.error = error
        self.call_from_thread(self.exit)

    def _progress_from_thread(self, progress: BenchProgress) -> None:
        self.call_from_thread(self.panel.feed, progress)

    def action_stop(self) -> None:
        """Stop the load soon; the report shows what was measured."""
        self.stopped.set()
        self.panel.detail = "stopping…"
        self.panel.refresh()


def run_live(job: Job[T], *, title: str, sides: Sequence[str], seconds: float) -> T:
    """Run `job` under the live view; its result (or its error) once the view has closed."""
    app: BenchLiveApp[T] = BenchLiveApp(job, title=title, sides=sides, seconds=seconds)
    app.run()
    if app.error is not None:
        raise app.error
    assert app.result is not None
    return app.result
