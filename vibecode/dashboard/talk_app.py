"""What the audience view (`vibecode dashboard`) and the presenter view (`vibecode notes`) share.

Both drive the same talk: the workspace's step (either view moves it; the other follows the
state file), the talk clock in `.vibecode/talk.json` (it survives restarts of either view), and
the cues that send type, demo and bench keys to the audience view. A view follows the other
through a watcher on `.vibecode/` (within about 10 ms) and a one-second poll behind it.

Everything that touches files, processes or the network goes through the `Backend`, from worker
threads, so the UI never blocks.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType

from vibecode.dashboard.backend import Backend, GotoResult
from vibecode.dashboard.clock import Clock, SystemClock
from vibecode.dashboard.screens.confirm import ConfirmScreen
from vibecode.dashboard.screens.help import HelpScreen
from vibecode.dashboard.theme import BAD, OK, THEME_NAME, WARN, projector
from vibecode.errors import VibecodeError
from vibecode.talk.state import TalkState

CLICKER_NEXT = ("pagedown", "right")
CLICKER_PREVIOUS = ("pageup", "left")
"""What presentation clickers send (besides n and p)."""

SHARED_NOTES = {
    "next_step": "saves edited files first, like `vibecode next` (clickers: PageDown, →)",
    "previous_step": "saves edited files first, like `vibecode prev` (clickers: PageUp, ←)",
    "type_step": "type the next step live, hunk by hunk (the audience view shows it)",
    "demo": "the step's demo requests one at a time: show, send, answer",
    "bench": "the step's benchmark, live; again: its next scenario",
    "rescue": "back to this step's checkpoint, edits saved, database rebuilt, server ready",
    "toggle_clock": "start or pause the talk timer (kept in the workspace)",
    "reset_clock": "the talk timer back to 00:00 (asks first)",
    "help": "this screen",
    "quit": "leave (asks first)",
}


class TalkApp(App[None]):
    """The shared part of both views: backend, talk clock, following the workspace, shared keys."""

    ENABLE_COMMAND_PALETTE = False
    VIEW = "view"
    """Who sent a cue: `dashboard` or `notes`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next_step", "Next"),
        Binding("pagedown", "next_step", "Next", show=False),
        Binding("right", "next_step", "Next", show=False),
        Binding("p", "previous_step", "Prev"),
        Binding("pageup", "previous_step", "Prev", show=False),
        Binding("left", "previous_step", "Prev", show=False),
        Binding("t", "type_step", "Type"),
        Binding("d", "demo", "Demo"),
        Binding("b", "bench", "Bench"),
        Binding("exclamation_mark", "rescue", "Rescue", key_display="!"),
        Binding("c", "toggle_clock", "Clock"),
        Binding("C", "reset_clock", "Reset clock", show=False, key_display="C"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit_asking", "Quit"),
    ]
    HELP_NOTES: ClassVar[dict[str, str]] = SHARED_NOTES

    def __init__(self, backend: Backend, *, clock: Clock | None = None, live: bool = True) -> None:
        super().__init__()
        self.backend = backend
        self.clock = clock or SystemClock()
        self.live = live
        """False in snapshot tests: no timers; the test calls `tick` itself."""
        self.step = 0
        self.talk = TalkState()
        self._step_lock = threading.Lock()
        self._watcher: Any = None
        self._ui_thread: int | None = None
        backend.talk.listeners.append(self._talk_changed_from_thread)

    # Life cycle -------------------------------------------------------------------------------
    # Textual calls the `on_mount` / `on_unmount` of every class in the MRO: the views' own
    # handlers add to these, they never call them.

    def on_mount(self) -> None:
        self._ui_thread = threading.get_ident()
        self.register_theme(projector())
        self.theme = THEME_NAME
        self.talk = self.backend.talk.read()
        self._startup()
        if self.live:
            self.set_interval(0.5, self.tick, name="clocks")
            self.set_interval(1.0, self._follow_workspace, name="follow")
            if self.backend.workspace is not None:
                from vibecode.talk.watch import TalkWatcher

                self._watcher = TalkWatcher(self.backend.workspace, self._files_changed).start()

    def on_unmount(self) -> None:
        with contextlib.suppress(ValueError):
            self.backend.talk.listeners.remove(self._talk_changed_from_thread)
        if self._watcher is not None:
            self._watcher.stop()

    @work(thread=True, group="startup")
    def _startup(self) -> None:
        step = self._call(self.backend.current_step)
        if step is not None:
            self._ui(self.show_step, step)
        self.started()

    def started(self) -> None:
        """More start-up work of a view, in the start-up worker thread."""

    # Following the other view ---------------------------------------------------------------------

    def _files_changed(self, names: set[str]) -> None:
        """From the watcher thread: talk.json or state.json changed on disk."""
        if "talk.json" in names:
            self._talk_changed_from_thread(self.backend.talk.read())
        if names & {"state.json", "server.json"}:
            self._ui(self._follow_workspace)

    def _talk_changed_from_thread(self, state: TalkState) -> None:
        if threading.get_ident() == self._ui_thread:
            self.talk_changed(state)
        else:
            self._ui(self.talk_changed, state)

    def talk_changed(self, state: TalkState) -> None:
        """The shared talk changed (here or in the other view)."""
        self.talk = state
        self.tick()

    @work(thread=True, group="follow", exclusive=True)
    def _follow_workspace(self) -> None:
        """Follow the workspace's step (moved by the other view or by `vibecode next`).

        Quiet: a failure here would repeat every second; actions report theirs.
        """
        if self._step_lock.acquire(blocking=False):
            try:
                step = self.backend.current_step()
            except Exception:
                step = None
            finally:
                self._step_lock.release()
            if step is not None and step != self.step:
                self._ui(self.show_step, step)
        self.followed()

    def followed(self) -> None:
        """More of a view's periodic following, in the worker thread."""

    def show_step(self, step: int) -> None:
        """The workspace is at `step`: draw it, and start the step timer if it is new."""
        self.step = step
        if self.talk.clock.step != step:
            self._record_step(step)
        self.tick()

    @work(thread=True, group="clock")
    def _record_step(self, step: int) -> None:
        self._call(lambda: self.backend.talk.clock(lambda clock, now: clock.at_step(step, now)))

    def tick(self) -> None:
        """Redraw the clocks (every half second, and when the talk changes)."""

    # Shared keys --------------------------------------------------------------------------------

    def action_next_step(self) -> None:
        """Move to the next step."""
        self._move(+1)

    def action_previous_step(self) -> None:
        """Move to the previous step."""
        self._move(-1)

    @work(thread=True, group="steps")
    def _move(self, delta: int) -> None:
        with self._step_lock:
            target = self.step + delta
            if not 0 <= target <= self.backend.course.last:
                where = "the last step" if delta > 0 else "step 0, the empty workspace"
                self.say_from_thread(f"Already at {where}.", WARN)
                return
            result = self._call(lambda: self.backend.goto(target))
            if result is None:
                return
            self._ui(self.show_step, result.step)
            self.say_from_thread(*self._goto_message(result))
            if result.saved:
                self._ui(
                    self.notify,
                    f"{len(result.saved)} edited file(s): vibecode restore {result.saved_set}",
                    title="Edits saved",
                    severity="warning",
                )

    def _goto_message(self, result: GotoResult) -> tuple[str, str]:
        if result.step == 0:
            title = "the empty workspace"
        else:
            title = self.backend.course.step(result.step).title
        line = f"Step {result.step}: {title}."
        if result.saved:
            files = ", ".join(result.saved)
            restore = f"vibecode restore {result.saved_set}"
            return f"{line} Saved your edits first ({files}); to get them back: {restore}", WARN
        return line, OK

    def action_toggle_clock(self) -> None:
        """Start or pause the talk timer."""
        self._clock_job(lambda clock, now: clock.toggle(now))

    def action_reset_clock(self) -> None:
        """Ask, then put the talk timer back to 00:00."""

        def answered(yes: bool | None) -> None:
            if yes:
                self._clock_job(lambda clock, now: clock.reset())
                self.say("Talk timer reset to 00:00 (paused).", OK)

        self.push_screen(
            ConfirmScreen("Reset the talk timer to 00:00?", "It pauses; c starts it again."),
            answered,
        )

    @work(thread=True, group="clock")
    def _clock_job(self, change: Callable[[Any, float], Any]) -> None:
        self._call(lambda: self.backend.talk.clock(change))

    def action_quit_asking(self) -> None:
        """Ask, then leave."""

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(ConfirmScreen(self.quit_question(), self.quit_detail()), answered)

    def quit_question(self) -> str:
        """What `q` asks."""
        return f"Quit {self.TITLE}?"

    def quit_detail(self) -> str:
        """What quitting does, in a line."""
        return ""

    def action_help(self) -> None:
        """Show every key."""
        bindings = [b for b in self.BINDINGS if isinstance(b, Binding)]
        seen: set[str] = set()
        unique = []
        for binding in bindings:
            if binding.action not in seen:
                seen.add(binding.action)
                unique.append(binding)
        self.push_screen(HelpScreen(unique, self.HELP_NOTES))

    def send_cue(self, action: str, *, arg: int = 0) -> None:
        """Hand a key to the audience view (in a worker: the talk file is locked and written)."""
        self._cue_job(action, arg)

    @work(thread=True, group="cues")
    def _cue_job(self, action: str, arg: int) -> None:
        self._call(lambda: self.backend.talk.cue(action, arg=arg, by=self.VIEW))

    # Messages and threads -----------------------------------------------------------------

    def say(self, line: str, style: str = "") -> None:
        """Tell the presenter what happened (each view has its place for it)."""
        self.notify(line, severity="error" if style == BAD else "information")

    def say_from_thread(self, line: str, style: str = "") -> None:
        """`say` from a worker thread."""
        self._ui(self.say, line, style)

    def _ui(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Run `callback` on the UI thread from a worker; nothing once the app has closed."""
        if not self.is_running:
            return
        if threading.get_ident() == self._ui_thread:
            callback(*args, **kwargs)
            return
        # The app may stop between the check and the call.
        with contextlib.suppress(RuntimeError):
            self.call_from_thread(callback, *args, **kwargs)

    def _call(self, job: Callable[[], Any]) -> Any:
        """Run a backend call in a worker thread; a failure becomes a red line."""
        try:
            return job()
        except VibecodeError as error:
            self.say_from_thread(str(error), BAD)
        except Exception as error:  # a crash here must not take the talk down with it
            self.say_from_thread(f"unexpected {type(error).__name__}: {error}", BAD)
        return None
