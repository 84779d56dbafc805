"""Typing's writes to the workspace, through the engine's own pieces.

A typing session of step N keeps the state at step N-1 with a `pending` move to N (as an
interrupted `goto` would), so `vibecode goto N` completes it and `vibecode type` resumes it.
Before each write the state owns both what is on disk and what comes next (`files` and
`pending.files`): a crash between the two leaves nothing the tool would take for a user's edit.
A file changed by hand while the step is typed is copied to a saved set before it is replaced,
as `goto` does. Writes are atomic; the last one hands over to `apply.goto`, which finds the
workspace equal to the checkpoint and records step N.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from vibecode.atomic import atomic_write
from vibecode.course.manifest import Course
from vibecode.errors import VibecodeError
from vibecode.live.plan import StepPlan, plan_step
from vibecode.live.player import Finished, Player
from vibecode.workspace import apply
from vibecode.workspace.files import file_hash, remove_empty_parents, sha256
from vibecode.workspace.lock import workspace_lock
from vibecode.workspace.saved import SavedFile, save_files
from vibecode.workspace.state import Pending, WorkspaceState, has_state, load_state, save_state

OnSaved = Callable[[SavedFile], None]


@dataclass(frozen=True)
class Start:
    """How a typing session began."""

    plan: StepPlan
    done: dict[str, int]
    """Hunks already on disk per file (a resumed session)."""
    resumed: bool = False
    moved_from: int | None = None
    """The step the workspace was at, when it first had to go to step N-1."""
    saved: tuple[SavedFile, ...] = ()


@dataclass
class Outcome:
    """What the session wrote, for the summary."""

    writes: int = 0
    saved: list[SavedFile] = field(default_factory=list)
    corrected: tuple[str, ...] = ()
    """Files the final `goto` had to write: empty unless something went wrong."""


class TypingSession:
    """Step N typed into a workspace: `begin()`, `write(finished)` per finished hunk, `finish()`."""

    def __init__(
        self,
        course: Course,
        workspace: Path,
        number: int,
        *,
        on_saved: OnSaved | None = None,
    ) -> None:
        if not 1 <= number <= course.last:
            raise VibecodeError(
                f"there is no step {number} to type: the course has steps 1 to {course.last}"
            )
        self.course = course
        self.workspace = workspace
        self.number = number
        self.on_saved = on_saved
        self.outcome = Outcome()
        self._state: WorkspaceState | None = None
        self._expected: dict[str, str | None] = {}
        """What each file of the step holds on disk now, as this session wrote it."""

    def begin(self) -> Start:
        """Bring the workspace to where typing starts (or resumes) and say where that is."""
        with workspace_lock(self.workspace):
            return self._begin()

    def _begin(self) -> Start:
        plan = plan_step(self.course, self.number)
        target = {path: sha256(data) for path, data in self.course.checkpoint(self.number).items()}
        moved_from = None
        saved: tuple[SavedFile, ...] = ()
        state = load_state(self.workspace) if has_state(self.workspace) else None
        resuming = (
            state is not None
            and state.pending is not None
            and state.pending.step == self.number
            and state.step == self.number - 1
        )
        if state is not None and state.step == self.number and state.pending is None:
            again = "`vibecode prev` first to type it again"
            hint = (
                f"`vibecode type {self.number + 1}` types the next one; {again}"
                if self.number < self.course.last
                else f"it is the last step; {again}"
            )
            raise VibecodeError(f"the workspace is at step {self.number} already", hint=hint)
        if not resuming:
            current = state.step if state is not None else 0
            result = apply.goto(
                self.course,
                self.workspace,
                self.number - 1,
                on_saved=self.on_saved,
                reason=f"type {self.number}",
            )
            saved = result.saved
            moved_from = current if current != self.number - 1 or result.interrupted else None
            state = load_state(self.workspace)
        assert state is not None
        done, strays = self._match(plan)
        if strays:
            saved += self._save(strays)
            for path in strays:  # back to the file's state before the step
                file = next(f for f in plan.files if f.path == path)
                self._put(path, file.text_after(0).encode() if file.exists_before else None)
                done[path] = 0
        files = {
            path: digest
            for path in {*state.files, *(f.path for f in plan.files)}
            if (digest := file_hash(self.workspace / path)) is not None
        }
        # Everything else the state records (steps reached and passed, hints) stays as it was.
        self._state = replace(
            state, step=self.number - 1, files=files, pending=Pending(self.number, target)
        )
        save_state(self.workspace, self._state)
        self._expected = {f.path: file_hash(self.workspace / f.path) for f in plan.files}
        self.outcome.saved.extend(saved)
        return Start(plan, done, resumed=resuming, moved_from=moved_from, saved=saved)

    def write(self, finished: Finished) -> None:
        """Put one finished hunk (or file) on disk, saving a hand edit in the way first."""
        with workspace_lock(self.workspace):
            self._write(finished)

    def _write(self, finished: Finished) -> None:
        assert self._state is not None, "begin() first"
        self._check_still_typing()
        path = finished.path
        on_disk = file_hash(self.workspace / path)
        if on_disk != self._expected.get(path) and on_disk is not None:
            self.outcome.saved.extend(self._save([path]))
        new = None if finished.data is None else sha256(finished.data)
        state = self._state
        pending = dict(state.pending.files) if state.pending else {}
        if new is not None:
            pending[path] = new  # the state owns what comes before it is written
        files = dict(state.files)
        if on_disk is not None:
            files[path] = on_disk
        save_state(
            self.workspace, replace(state, files=files, pending=Pending(self.number, pending))
        )
        self._put(path, finished.data)
        if new is None:
            files.pop(path, None)
        else:
            files[path] = new
        self._state = replace(state, files=files, pending=Pending(self.number, pending))
        self._expected[path] = new
        self.outcome.writes += 1

    def finish(self) -> Outcome:
        """Every hunk is on disk: record step N (a `goto` that finds nothing left to write)."""
        with workspace_lock(self.workspace):
            self._check_still_typing()
        result = apply.goto(
            self.course,
            self.workspace,
            self.number,
            on_saved=self.on_saved,
            reason=f"type {self.number}",
        )
        self.outcome.corrected = result.written + result.deleted
        self.outcome.saved.extend(result.saved)
        return self.outcome

    # Internals ------------------------------------------------------------------------------

    def _check_still_typing(self) -> None:
        """Another command may have moved the workspace meanwhile: then this typing stops."""
        on_disk = load_state(self.workspace)
        if on_disk.pending is None or on_disk.pending.step != self.number:
            raise VibecodeError(
                f"the workspace moved to step {on_disk.step} while step {self.number} was typed: "
                "the typing stopped there",
                hint=f"`vibecode type {on_disk.step + 1}` types the next step from where it is",
            )

    def _match(self, plan: StepPlan) -> tuple[dict[str, int], list[str]]:
        """Per file, how many hunks the disk holds; files matching no state of the play."""
        done: dict[str, int] = {}
        strays: list[str] = []
        for file in plan.files:
            on_disk = file_hash(self.workspace / file.path)
            if file.mode == "instant":
                final = file.final()
                done[file.path] = 1 if final is not None and on_disk == sha256(final) else 0
                before = file.text_after(0).encode() if file.exists_before else None
                known = {
                    sha256(final) if final is not None else None,
                    sha256(before) if before is not None else None,
                }
                if on_disk not in known:
                    strays.append(file.path)
                continue
            states = [
                (None if not file.exists_before else sha256(file.text_after(0).encode()))
                if k == 0
                else (
                    None
                    if file.mode == "deleted" and k == len(file.hunks)
                    else sha256(file.text_after(k).encode())
                )
                for k in range(len(file.hunks) + 1)
            ]
            if on_disk in states:
                done[file.path] = max(k for k, digest in enumerate(states) if digest == on_disk)
            else:
                strays.append(file.path)
        return done, strays

    def _save(self, paths: list[str]) -> tuple[SavedFile, ...]:
        contents = {
            path: ((self.workspace / path).read_bytes(), "changed")
            for path in paths
            if (self.workspace / path).is_file()
        }
        if not contents:
            return ()
        saved = save_files(
            self.workspace, contents, step=self.number - 1, reason=f"type {self.number}"
        ).files
        for item in saved:
            if self.on_saved is not None:
                self.on_saved(item)
        return saved

    def _put(self, path: str, data: bytes | None) -> None:
        target = self.workspace / path
        if data is None:
            target.unlink(missing_ok=True)
            remove_empty_parents(self.workspace, [path])
        else:
            atomic_write(target, data)


class BackgroundWriter:
    """Writes finished hunks on its own thread, so a keypress never waits for a disk flush.

    Writes keep their order; `drain()` waits for all of them. The first failure stops the
    writing and is raised again by `drain()` (and reported through `on_error`).
    """

    def __init__(
        self,
        session: TypingSession,
        *,
        on_written: Callable[[Finished], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        self.session = session
        self.on_written = on_written
        self.on_error = on_error
        self.error: Exception | None = None
        self._queue: queue.Queue[Finished | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="vibecode-type-writer", daemon=True)
        self._thread.start()

    def put(self, finished: Finished) -> None:
        """Queue one write."""
        self._queue.put(finished)

    def drain(self) -> None:
        """Wait until every queued write is on disk; raise the first failure."""
        self._queue.join()
        if self.error is not None:
            raise self.error

    def close(self) -> None:
        """Finish the queued writes and stop the thread."""
        self._queue.put(None)
        self._thread.join(timeout=30)

    def _run(self) -> None:
        # The typing session holds the workspace lock from its first write to its end: other
        # commands (a `vibecode next` in another terminal) wait, then say who is typing.
        with contextlib.ExitStack() as held:
            locked = False
            while True:
                item = self._queue.get()
                try:
                    if item is None:
                        return
                    if self.error is None:
                        if not locked:  # the first write takes it
                            held.enter_context(workspace_lock(self.session.workspace))
                            locked = True
                        self.session.write(item)
                        if self.on_written is not None:
                            self.on_written(item)
                except Exception as error:  # reported to the screen; the typing stops writing
                    self.error = error
                    if self.on_error is not None:
                        self.on_error(error)
                finally:
                    self._queue.task_done()


def play_unattended(
    course: Course,
    workspace: Path,
    number: int,
    *,
    after_write: Callable[[Finished], None] | None = None,
) -> Outcome:
    """Type step `number` at full speed without a screen (`vibecode rehearse`, tests)."""
    session = TypingSession(course, workspace, number)
    start = session.begin()
    player = Player(start.plan, done=start.done)
    while not player.at_end:
        finished = player.finish_hunk()
        for item in finished:
            session.write(item)
            if after_write is not None:
                after_write(item)
    return session.finish()
