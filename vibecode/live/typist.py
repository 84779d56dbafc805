"""One typing session behind a screen: the player, the session's writes on their own thread.

The screen calls the key methods on its own thread (each returns at once: a key never waits for
a disk); `begin()` and `finish()` block (they may move the workspace or wait for writes), so
the screen calls them from a worker.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from vibecode.course.manifest import Course
from vibecode.live.player import Finished, Player
from vibecode.live.session import BackgroundWriter, OnSaved, Outcome, Start, TypingSession


class Typist:
    """Keys in, hunks out to the disk."""

    def __init__(
        self,
        course: Course,
        workspace: Path,
        number: int,
        *,
        on_saved: OnSaved | None = None,
        on_written: Callable[[Finished], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        self.session = TypingSession(course, workspace, number, on_saved=on_saved)
        self.number = number
        self.on_written = on_written
        self.on_error = on_error
        self.player: Player | None = None
        self.start: Start | None = None
        self.written = 0
        """Finished hunks (and files) on disk so far."""
        self._writer: BackgroundWriter | None = None
        self._lock = threading.Lock()

    def begin(self) -> Start:
        """Move the workspace to where this step's typing starts (or resumes); blocks."""
        start = self.session.begin()
        self.start = start
        self.player = Player(start.plan, done=start.done)
        self._writer = BackgroundWriter(
            self.session, on_written=self._written, on_error=self.on_error
        )
        return start

    def _written(self, finished: Finished) -> None:
        self.written += 1
        if self.on_written is not None:
            self.on_written(finished)

    @property
    def at_end(self) -> bool:
        """Every hunk is typed (the writes may still be on their way)."""
        return self.player is not None and self.player.at_end

    def _send(self, finished: list[Finished]) -> bool:
        writer = self._writer
        assert writer is not None
        for item in finished:
            writer.put(item)
        return True

    def press(self) -> bool:
        """A key of magic typing."""
        assert self.player is not None
        return self._send(self.player.press())

    def finish_hunk(self) -> bool:
        """The rest of the hunk."""
        assert self.player is not None
        return self._send(self.player.finish_hunk())

    def finish_file(self) -> bool:
        """The rest of the file."""
        assert self.player is not None
        return self._send(self.player.finish_file())

    def finish_step(self) -> bool:
        """The rest of the step."""
        assert self.player is not None
        return self._send(self.player.finish_step())

    def advance(self, chars: float) -> bool:
        """Unattended: `chars` characters' worth of typing."""
        assert self.player is not None
        return self._send(self.player.advance(chars))

    def finish(self) -> Outcome:
        """Wait for the writes, then record the step (blocks): the workspace is checkpoint N."""
        writer = self._writer
        assert writer is not None
        writer.drain()
        writer.close()
        return self.session.finish()

    def stop(self) -> None:
        """Leave midway (Ctrl-C): the queued writes still land; `vibecode type` resumes later."""
        writer = self._writer
        if writer is not None:
            writer.close()
