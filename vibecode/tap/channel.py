"""The tap's channel: a folder of Unix datagram sockets, one per reader.

Stdlib only: the dashboard, `vibecode watch` and the benchmark import this module.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import stat
from pathlib import Path
from types import TracebackType

from vibecode.errors import VibecodeError
from vibecode.tap.events import TapEvent, parse_batch

TAP_ROOT = Path("/tmp")
SOCKET_SUFFIX = ".sock"
# Unix socket paths are limited to 108 bytes (including the final NUL).
MAX_SOCKET_PATH = 107
READER_BUFFER_BYTES = 4 * 1024 * 1024
MAX_DATAGRAM_BYTES = 256 * 1024


def tap_dir_for(workspace: Path) -> Path:
    """The tap folder of a workspace: a short path under /tmp named after its path's hash."""
    digest = hashlib.sha256(str(workspace.resolve()).encode()).hexdigest()[:12]
    return TAP_ROOT / f"vibecode-tap-{digest}"


def ensure_tap_dir(tap_dir: Path) -> Path:
    """Create the tap folder (private to this user) and refuse one another user owns."""
    tap_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = tap_dir.stat()
    if info.st_uid != os.getuid() or not stat.S_ISDIR(info.st_mode):
        raise VibecodeError(
            f"{tap_dir} belongs to another user", hint="remove it or use another workspace path"
        )
    return tap_dir


def reader_sockets(tap_dir: Path) -> list[str]:
    """Paths of the reader sockets currently registered in the tap folder."""
    try:
        with os.scandir(tap_dir) as entries:
            return [entry.path for entry in entries if entry.name.endswith(SOCKET_SUFFIX)]
    except OSError:
        return []


class TapReader:
    """A reader registered in a tap folder: receives every event the served app emits."""

    def __init__(self, tap_dir: Path | str, *, name: str) -> None:
        self.tap_dir = ensure_tap_dir(Path(tap_dir))
        self.path = self.tap_dir / f"{name}-{os.getpid()}{SOCKET_SUFFIX}"
        if len(str(self.path).encode()) > MAX_SOCKET_PATH:
            raise VibecodeError(f"the tap socket path {self.path} is too long for a Unix socket")
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        # A larger buffer lets a briefly busy reader (a UI frame) catch up instead of dropping.
        with contextlib.suppress(OSError):
            self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, READER_BUFFER_BYTES)
        self._socket.bind(str(self.path))
        self._socket.setblocking(False)
        self._closed = False

    def fileno(self) -> int:
        """The socket's descriptor, for `subscription.batches` or an event loop's add_reader()."""
        return self._socket.fileno()

    def drain(self, limit: int = 10_000) -> list[TapEvent]:
        """Every valid event waiting, up to about `limit`, without blocking."""
        events: list[TapEvent] = []
        while len(events) < limit:
            try:
                datagram = self._socket.recv(MAX_DATAGRAM_BYTES)
            except (BlockingIOError, InterruptedError):
                break
            events.extend(parse_batch(datagram))
        return events

    def close(self) -> None:
        """Unregister: close the socket and remove its file."""
        if self._closed:
            return
        self._closed = True
        self._socket.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def __enter__(self) -> TapReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
