"""While serving: notice the workspace moving to another step and apply its migrations.

uvicorn's reloader already restarts the app when the code changes; this adds the schema.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from vibecode.errors import VibecodeError
from vibecode.serve import migrations

POLL_INTERVAL = 0.5

ReadStep = Callable[[Path], "int | None"]
Migrate = Callable[[Path], "migrations.MigrationResult | None"]


def current_step(workspace: Path) -> int | None:
    """The workspace's step, or None while a step is being applied or the state is unreadable."""
    from vibecode.workspace.state import has_state, load_state

    if not has_state(workspace):
        return None
    try:
        state = load_state(workspace)
    except VibecodeError:
        return None
    return None if state.pending is not None else state.step


class StepWatcher:
    """A thread polling the workspace's state; on a step change, migrate and report."""

    def __init__(
        self,
        workspace: Path,
        *,
        migrate: Migrate,
        on_change: Callable[[int, migrations.MigrationResult | None, VibecodeError | None], None],
        read_step: ReadStep = current_step,
        interval: float = POLL_INTERVAL,
    ) -> None:
        self.workspace = workspace
        self.migrate = migrate
        self.on_change = on_change
        self.read_step = read_step
        self.interval = interval
        self.step = read_step(workspace)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="vibecode-step-watcher", daemon=True)

    def start(self) -> StepWatcher:
        """Start polling in the background."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop polling and wait for the thread."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5.0)

    def poll(self) -> None:
        """Check once: migrate when the step changed since the last check."""
        step = self.read_step(self.workspace)
        if step is None or step == self.step:
            return
        self.step = step
        try:
            result = self.migrate(self.workspace)
        except VibecodeError as error:
            self.on_change(step, None, error)
        else:
            self.on_change(step, result, None)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.poll()
