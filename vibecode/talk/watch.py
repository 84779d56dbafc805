"""Follow the workspace's `.vibecode/` folder: the other view's keys show here within a moment."""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection
from pathlib import Path

from vibecode.paths import state_dir

WATCHED = frozenset({"talk.json", "state.json", "server.json"})
"""Files whose change means the other view (or another command) moved the talk."""
STEP_MS = 5
"""watchfiles yields a batch after this many quiet milliseconds: the views follow in ~10 ms."""
RETRY_S = 0.5


class TalkWatcher:
    """Calls `on_change(names)` from its own thread when watched files in `.vibecode/` change.

    watchfiles stops when the folder it watches goes away (`vibecode reset --step 0` keeps it,
    but a deleted workspace does not): the thread then waits for the folder to come back.
    """

    def __init__(
        self,
        workspace: Path,
        on_change: Callable[[set[str]], None],
        *,
        names: Collection[str] = WATCHED,
    ) -> None:
        self.folder = state_dir(workspace)
        self.on_change = on_change
        self.names = frozenset(names)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="vibecode-talk-watch", daemon=True)

    def start(self) -> TalkWatcher:
        """Start watching."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop watching (returns within a fraction of a second)."""
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=2.0)

    def _run(self) -> None:
        from watchfiles import watch

        while not self._stop.is_set():
            if not self.folder.is_dir():
                self._stop.wait(RETRY_S)
                continue
            try:
                for changes in watch(
                    self.folder,
                    watch_filter=self._relevant,
                    debounce=50,
                    step=STEP_MS,
                    stop_event=self._stop,
                    rust_timeout=500,
                    yield_on_timeout=True,
                    recursive=False,
                    raise_interrupt=False,
                ):
                    if not self.folder.is_dir():
                        break
                    names = {Path(path).name for _, path in changes}
                    if names:
                        self.on_change(names)
            except (OSError, RuntimeError):
                pass  # the folder went away under the watcher: wait for it to come back
            self._stop.wait(RETRY_S)

    def _relevant(self, change: object, path: str) -> bool:
        return Path(path).name in self.names
