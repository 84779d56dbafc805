"""The shared talk: `.vibecode/talk.json`, read and written by the audience and presenter views.

```json
{"version": 1,
 "clock": {"running": true, "elapsed": 120.0, "since": 1764130000.0, "step": 4, "step_from": 95.0},
 "cues": [{"id": 7, "action": "type", "arg": 0, "by": "notes", "at": 1764130100.2}],
 "audience": {"pid": 4242, "doing": "typing app/main.py, hunk 3 of 7", "at": 1764130100.3}}
```

The clock counts wall time, so it survives restarts of either view. A view that gets a key the
other one acts on (type, demo, bench) appends a cue; the audience view runs the cues it has not
seen and says what it is doing, for the presenter's screen. Updates are read-modify-write under a
file lock (`filelock`), so two views pressing keys at once both count.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from vibecode.paths import state_dir

TALK_FILE = "talk.json"
LOCK_FILE = "talk.lock"
VERSION = 1
KEEP_CUES = 64
"""Cues older than the last this many are forgotten (a view that missed them is far behind)."""
LOCK_TIMEOUT_S = 2.0


@dataclass(frozen=True)
class TalkClock:
    """The talk timer (paused, running, reset) and when, in talk time, the current step began."""

    running: bool = False
    elapsed: float = 0.0
    """Talk seconds counted before `since`."""
    since: float | None = None
    """Wall time the timer last started running (None while paused)."""
    step: int = 0
    step_from: float = 0.0
    """The talk time at which `step` was reached."""

    def talk_seconds(self, now: float) -> float:
        """Seconds of talk so far."""
        running = now - self.since if self.running and self.since is not None else 0.0
        return self.elapsed + max(0.0, running)

    def step_seconds(self, now: float) -> float:
        """Seconds of talk since the current step began."""
        return max(0.0, self.talk_seconds(now) - self.step_from)

    @property
    def started(self) -> bool:
        """The timer has run at some point since its last reset."""
        return self.running or self.elapsed > 0

    def start(self, now: float) -> TalkClock:
        """Run (again)."""
        return self if self.running else replace(self, running=True, since=now)

    def pause(self, now: float) -> TalkClock:
        """Stop counting, keeping the time so far."""
        if not self.running:
            return self
        return replace(self, running=False, elapsed=self.talk_seconds(now), since=None)

    def toggle(self, now: float) -> TalkClock:
        """Start a paused timer, pause a running one."""
        return self.pause(now) if self.running else self.start(now)

    def reset(self) -> TalkClock:
        """Back to 00:00, paused, the current step starting now."""
        return TalkClock(step=self.step)

    def at_step(self, step: int, now: float) -> TalkClock:
        """The workspace reached `step`: its step timer starts now (unchanged if already there)."""
        if step == self.step:
            return self
        return replace(self, step=step, step_from=self.talk_seconds(now))


@dataclass(frozen=True)
class Cue:
    """A key pressed in one view for the other to act on."""

    id: int
    action: str
    arg: int = 0
    by: str = ""
    at: float = 0.0


@dataclass(frozen=True)
class Audience:
    """The audience view that runs the cues, and what it shows right now."""

    pid: int
    doing: str = ""
    at: float = 0.0

    @property
    def alive(self) -> bool:
        """Its process still runs."""
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


@dataclass(frozen=True)
class TalkState:
    """Everything in `talk.json`."""

    clock: TalkClock = field(default_factory=TalkClock)
    cues: tuple[Cue, ...] = ()
    audience: Audience | None = None

    @property
    def last_cue(self) -> int:
        """The id of the newest cue (0: none yet)."""
        return self.cues[-1].id if self.cues else 0

    def cues_after(self, seen: int) -> tuple[Cue, ...]:
        """The cues newer than `seen`, oldest first."""
        return tuple(cue for cue in self.cues if cue.id > seen)

    def with_cue(self, action: str, *, arg: int = 0, by: str = "", now: float) -> TalkState:
        """This state with one more cue."""
        cue = Cue(self.last_cue + 1, action, arg, by, now)
        return replace(self, cues=(*self.cues, cue)[-KEEP_CUES:])

    def live_audience(self) -> Audience | None:
        """The audience view, if its process still runs."""
        return self.audience if self.audience is not None and self.audience.alive else None


Update = Callable[[TalkState], TalkState]


class TalkStore:
    """Reads and updates a workspace's `talk.json`; in memory until the workspace exists.

    Writing `.vibecode/` into a folder that is not a workspace yet would make it look like a
    broken one to `vibecode goto`, so before the first step is applied the state stays here.
    """

    def __init__(self, workspace: Path, *, clock: Callable[[], float] = time.time) -> None:
        self.workspace = workspace
        self.now = clock
        self._memory = TalkState()
        self.listeners: list[Callable[[TalkState], None]] = []
        """Called after every update made through this store (views in one process, tests);
        other processes follow the file (`vibecode.talk.watch`)."""

    @property
    def path(self) -> Path:
        """Where the state lives once the workspace exists."""
        return state_dir(self.workspace) / TALK_FILE

    @property
    def persistent(self) -> bool:
        """The workspace exists (it has a state file), so the talk is kept on disk."""
        from vibecode.workspace.state import has_state

        return has_state(self.workspace)

    def read(self) -> TalkState:
        """The current state; a missing or unreadable file is a fresh talk."""
        if not self.persistent:
            return self._memory
        try:
            return _parse(json.loads(self.path.read_bytes()))
        except (OSError, ValueError, TypeError, KeyError):
            return self._memory

    def update(self, change: Update) -> TalkState:
        """Apply `change` to the state under the lock and write it; returns the new state."""
        if not self.persistent:
            self._memory = state = change(self._memory)
        else:
            from filelock import FileLock

            with FileLock(str(self.path.with_name(LOCK_FILE)), timeout=LOCK_TIMEOUT_S):
                state = change(self.read())
                _replace(self.path, _dump(state))
            self._memory = state
        for listener in list(self.listeners):
            listener(state)
        return state

    def clock(self, change: Callable[[TalkClock, float], TalkClock]) -> TalkState:
        """Change the clock: `store.clock(lambda clock, now: clock.toggle(now))`."""
        now = self.now()
        return self.update(lambda state: replace(state, clock=change(state.clock, now)))

    def cue(self, action: str, *, arg: int = 0, by: str = "") -> TalkState:
        """Send a cue to the audience view."""
        now = self.now()
        return self.update(lambda state: state.with_cue(action, arg=arg, by=by, now=now))

    def say(self, doing: str, *, pid: int | None = None) -> TalkState:
        """The audience view says what it shows (and that it runs the cues)."""
        audience = Audience(pid or os.getpid(), doing, self.now())
        return self.update(lambda state: replace(state, audience=audience))

    def leave(self, *, pid: int | None = None) -> None:
        """The audience view closes: nobody runs the cues any more."""
        mine = pid or os.getpid()

        def forget(state: TalkState) -> TalkState:
            if state.audience is not None and state.audience.pid == mine:
                return replace(state, audience=None)
            return state

        self.update(forget)


def _dump(state: TalkState) -> bytes:
    data: dict[str, Any] = {"version": VERSION, **asdict(state)}
    return (json.dumps(data, indent=1) + "\n").encode()


def _parse(data: Any) -> TalkState:
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise ValueError("not a talk state")
    clock = data.get("clock") or {}
    audience = data.get("audience")
    return TalkState(
        clock=TalkClock(
            running=bool(clock.get("running", False)),
            elapsed=float(clock.get("elapsed", 0.0)),
            since=None if clock.get("since") is None else float(clock["since"]),
            step=int(clock.get("step", 0)),
            step_from=float(clock.get("step_from", 0.0)),
        ),
        cues=tuple(
            Cue(
                int(c["id"]),
                str(c["action"]),
                int(c.get("arg", 0)),
                str(c.get("by", "")),
                float(c.get("at", 0.0)),
            )
            for c in data.get("cues") or ()
        ),
        audience=None
        if not isinstance(audience, dict)
        else Audience(
            int(audience["pid"]), str(audience.get("doing", "")), float(audience.get("at", 0.0))
        ),
    )


def _replace(path: Path, data: bytes) -> None:
    """Write through a temporary file and a rename, without fsync.

    The state changes on every cue (several a second while the presenter types from the notes
    view); readers must never see half a file, but a power cut losing the last second of a
    timer costs nothing, and an fsync per keypress would cost the 100 ms the views have.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
