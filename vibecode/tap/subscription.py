"""Following a tap: the one loop that waits on a reader and hands its events on.

`vibecode watch`, the dashboard and bench's loop-lag report all read a tap the same way: a thread
waits on the reader's socket and passes each batch of typed events to a callback. Stdlib only.
"""

from __future__ import annotations

import select
import threading
from collections.abc import Callable, Iterator
from typing import Protocol

from vibecode.tap.events import TapEvent

POLL_SECONDS = 0.1
"""How often a waiting loop looks at its stop flag."""


class TapSource(Protocol):
    """A tap reader: `vibecode.tap.channel.TapReader`, or a fake in the tests."""

    def fileno(self) -> int:
        """A descriptor to wait on; -1 when the source can only be polled (an in-memory fake)."""
        ...

    def drain(self, limit: int = ...) -> list[TapEvent]:
        """Up to about `limit` events already received, without blocking."""
        ...

    def close(self) -> None:
        """Unregister from the tap."""
        ...


def batches(
    source: TapSource, *, stop: threading.Event, limit: int = 2_000, poll: float = POLL_SECONDS
) -> Iterator[list[TapEvent]]:
    """Each batch of events as it arrives, until `stop` is set; then what is left, once.

    Ends quietly when the source is closed under it (nothing more can arrive).
    """
    try:
        fd = source.fileno()
        while not stop.is_set():
            if fd >= 0:
                ready, _, _ = select.select([fd], [], [], poll)
                if not ready:
                    continue
            elif stop.wait(poll):
                break
            events = source.drain(limit)
            if events:
                yield events
        events = source.drain(limit)
        if events:
            yield events
    except (OSError, ValueError):  # closed under us
        return


class Subscription:
    """Reads a tap source on its own thread and gives every batch to `on_events`.

    A thread of its own keeps the socket drained while the reader's main thread is busy (a UI
    frame): a datagram socket's kernel queue is short, and a stalled reader makes the
    middleware drop events it could have delivered.
    """

    def __init__(
        self,
        source: TapSource,
        on_events: Callable[[list[TapEvent]], None],
        *,
        name: str = "vibecode-tap",
        limit: int = 2_000,
        close_source: bool = False,
    ) -> None:
        self.source = source
        self.on_events = on_events
        self.limit = limit
        self.close_source = close_source
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> Subscription:
        """Start reading."""
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        """Stop reading after a last drain (and close the source when it was handed over)."""
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=timeout)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until stopped (True) or `timeout` passes (False)."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        try:
            for events in batches(self.source, stop=self._stop, limit=self.limit):
                self.on_events(events)
        finally:
            if self.close_source:
                self.source.close()
