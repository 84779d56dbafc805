"""The room's progress: a histogram for the audience, names and who is stuck for the presenter.

Hidden until the workspace hosts a room that answers. The panel polls the room itself, from a
worker thread over one keep-alive connection, `FPS` times a second; `frames` counts the
redraws with fresh figures (the benchmark reads it).
"""

from __future__ import annotations

import threading
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text
from textual import work
from textual.widgets import Static

from vibecode.dashboard.theme import DIM

FPS = 5.0


class RoomPanel(Static):
    """The room as the audience (`names=False`) or the presenter (`names=True`) sees it."""

    DEFAULT_CSS = """
    RoomPanel {
        display: none;
        border: round $accent;
        border-title-color: $accent;
        border-title-style: bold;
        height: auto;
        max-height: 16;
        padding: 0 1;
        overflow: hidden;
    }
    RoomPanel.-open { display: block; }
    """

    def __init__(
        self,
        workspace: Path | None,
        *,
        names: bool,
        last_step: int,
        fps: float = FPS,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.workspace = workspace
        self.names = names
        self.last_step = last_step
        self.fps = fps
        self.frames = 0
        """Redraws with fresh figures from the room."""
        self.latest: dict[str, Any] | None = None
        self._connection: HTTPConnection | None = None
        self._url: str | None = None
        self._busy = threading.Lock()
        self.border_title = "Room"

    def on_mount(self) -> None:
        if self.workspace is not None:
            self.set_interval(1 / self.fps, self.poll, name="room")

    @work(thread=True, group="room")
    def poll(self) -> None:
        """Fetch the room's state (skipped while the previous fetch still runs)."""
        if not self._busy.acquire(blocking=False):
            return
        try:
            data = self._fetch()
        finally:
            self._busy.release()
        self.app.call_from_thread(self.show, data)

    def _fetch(self) -> dict[str, Any] | None:
        from vibecode.errors import VibecodeError
        from vibecode.room.client import call, open_connection
        from vibecode.room.record import read_hosted

        assert self.workspace is not None
        room = read_hosted(self.workspace)
        if room is None:
            return None
        if self._connection is None or self._url != room.url:
            if self._connection is not None:
                self._connection.close()
            self._connection = open_connection(room.url, timeout=1.0)
            self._url = room.url
        try:
            if self.names:
                answer = call(
                    room.url, "GET", "/api/room", token=room.token, connection=self._connection
                )
            else:
                answer = call(room.url, "GET", "/api/summary", connection=self._connection)
        except VibecodeError:
            return {"unreachable": room.join_url} if self.latest is not None else None
        return answer if isinstance(answer, dict) else None

    def show(self, data: dict[str, Any] | None) -> None:
        """Draw the room's figures (None: no room, the panel hides)."""
        self.set_class(data is not None, "-open")
        if data is None:
            return
        if "unreachable" in data:
            self.update(Text(f"the room at {data['unreachable']} does not answer", DIM))
            return
        self.latest = data
        self.frames += 1
        self.update(self.draw(data))

    def draw(self, data: dict[str, Any]) -> RenderableType:
        """The histogram, and for the presenter the roster below it."""
        from vibecode.room.render import histogram, roster

        width = max(20, self.size.width - 2)
        drawn = histogram(data, last_step=self.last_step, width=width)
        if not self.names:
            return drawn
        return Group(drawn, roster(data, width=width))

    def on_unmount(self) -> None:
        if self._connection is not None:
            self._connection.close()
