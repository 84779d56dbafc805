"""The server's log: its tail, the one thing the presenter must see in it, and a short echo.

With `--reload`, uvicorn keeps running when a saved file no longer imports: the process is
alive, the app is not. The log shows it: a traceback through the import machinery, with no
"Application startup complete" after it. `vibecode serve` echoes the log with each traceback
folded: the app's error and file:line first, framework frames collapsed to a count.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from vibecode.serve.preflight import TRACEBACK_FILE, short_traceback

RECOVERED = ("Application startup complete", "Started server process")
IMPORT_FRAMES = ("importlib", "Error loading ASGI app", "import_from_string")
TRACEBACK_START = "Traceback (most recent call last):"
CHAINED = ("During handling of the above exception", "The above exception was the direct cause")
TAIL_BYTES = 64 * 1024
SPAWN_BANNER = re.compile(r"^Process SpawnProcess-\d+:$")


def tail(path: Path, lines: int = 20) -> list[str]:
    """The last `lines` lines of a log file (empty when it is missing)."""
    try:
        with open(path, "rb") as log:
            log.seek(0, os.SEEK_END)
            log.seek(max(0, log.tell() - TAIL_BYTES))
            text = log.read().decode("utf-8", errors="replace")
    except OSError:
        return []
    return text.splitlines()[-lines:]


def import_problem(lines: Sequence[str], workspace: Path) -> str | None:
    """The workspace app's import error if the log's latest news is one, else None."""
    starts = [i for i, line in enumerate(lines) if line.startswith("Traceback")]
    if not starts:
        return None
    block = lines[starts[-1] :]
    if any(marker in line for line in block[1:] for marker in RECOVERED):
        return None
    if not any(marker in line for line in block for marker in IMPORT_FRAMES):
        return None  # an exception inside a request: the app itself still runs
    return "the workspace app fails to import: " + short_traceback("\n".join(block), workspace)


@dataclass(frozen=True)
class Shown:
    """One line of the echo and how it looks: `error`, `summary`, `folded` or `plain`."""

    text: str
    kind: str = "plain"


class TracebackFolder:
    """Turns log lines into what the serve pane shows: each traceback summed up, then folded.

    `feed` a line, get the lines to show now; a traceback is held until it ends (the next
    ordinary line, or `flush` when the log is quiet).
    """

    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace.resolve()
        self._block: list[str] = []
        self._ended = False

    def feed(self, line: str) -> list[Shown]:
        """The lines to show for one more log line."""
        if not self._block:
            if line.startswith(TRACEBACK_START):
                self._block = [line]
                self._ended = False
                return []
            if SPAWN_BANNER.match(line):
                return []  # multiprocessing's banner before a worker's traceback: noise
            return [Shown(line)]
        if self._ended and not _continues_chain(line):
            return [*self.flush(), *self.feed(line)]
        self._block.append(line)
        starts_line = line[:1]
        if starts_line and not starts_line.isspace() and not _continues_chain(line):
            self._ended = True  # the exception line: what follows may chain another one
        elif _continues_chain(line) and not line.startswith(TRACEBACK_START):
            self._ended = False
        return []

    def flush(self, *, force: bool = True) -> list[Shown]:
        """The held traceback, folded; unless `force`, only once it has ended."""
        if not self._block or not (force or self._ended):
            return []
        block, self._block = self._block, []
        return fold(block, self.workspace)

    @property
    def holding(self) -> bool:
        """Whether a traceback is being collected."""
        return bool(self._block)


def _continues_chain(line: str) -> bool:
    return not line.strip() or line.startswith(CHAINED) or line.startswith(TRACEBACK_START)


def fold(block: Sequence[str], workspace: Path) -> list[Shown]:
    """A traceback as the presenter reads it: the app's error and file:line, then the frames
    in the workspace, framework frames counted instead of shown."""
    shown = [Shown(short_traceback("\n".join(block), workspace), "summary")]
    hidden = 0
    keep = False
    for line in block:
        frame = TRACEBACK_FILE.match(line)
        if frame is not None:
            keep = _inside(Path(frame["file"]), workspace)
            if not keep:
                hidden += 1
                continue
        elif line[:1].isspace() and line.strip():
            if not keep:
                continue  # the code and carets of a hidden frame
        else:
            keep = False
        if hidden:
            shown.append(_hidden(hidden))
            hidden = 0
        shown.append(Shown(line, "error" if not line[:1].isspace() else "plain"))
    if hidden:
        shown.append(_hidden(hidden))
    return shown


def _hidden(count: int) -> Shown:
    return Shown(f"  … {count} framework frame{'s' if count > 1 else ''}", "folded")


def _inside(path: Path, workspace: Path) -> bool:
    if not path.is_absolute():
        return False  # `<frozen importlib._bootstrap>` and friends
    try:
        path.resolve().relative_to(workspace)
    except ValueError:
        return False
    return True


def follow_log(
    path: Path, on_line: Callable[[str], None], stop: threading.Event, *, interval: float = 0.1,
    on_quiet: Callable[[], None] | None = None,
) -> threading.Thread:  # fmt: skip
    """Call `on_line` for each new line of a log file, in a thread, until `stop` is set.

    A restart truncates the log: the follower starts again from its beginning. `on_quiet` is
    called when a poll found nothing new (to show a held traceback).
    """

    def follow() -> None:
        position = 0
        pending = b""
        while True:
            stopping = stop.is_set()
            try:
                with open(path, "rb") as log:
                    if os.fstat(log.fileno()).st_size < position:
                        position, pending = 0, b""
                    log.seek(position)
                    chunk = log.read()
                    position = log.tell()
            except FileNotFoundError:
                chunk = b""
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                on_line(line.decode("utf-8", errors="replace"))
            if not lines and on_quiet is not None:
                on_quiet()
            if stopping:
                if on_quiet is not None:
                    on_quiet()
                return
            stop.wait(interval)

    thread = threading.Thread(target=follow, name="vibecode-log-follower", daemon=True)
    thread.start()
    return thread
