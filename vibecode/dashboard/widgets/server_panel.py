"""The server: up or down in words, its URL and database, its log, or why it cannot start."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from vibecode.dashboard.backend import ServerStatus
from vibecode.dashboard.theme import BAD, DIM, OK, WARN


class ServerPanel(Static):
    """One glance at the server; the workspace app's import error when it is broken."""

    DEFAULT_CSS = """
    ServerPanel {
        border: round $primary;
        border-title-color: $primary;
        border-title-style: bold;
        height: 9;
        padding: 0 1;
        overflow: hidden;
    }
    ServerPanel.-broken { border: heavy $error; border-title-color: $error; }
    ServerPanel.-compact { height: auto; max-height: 7; }
    """

    status: reactive[ServerStatus | None] = reactive(None, layout=True)
    """The latest status, or None before the first check."""
    busy: reactive[str] = reactive("", layout=True)
    """What the dashboard is doing to the server right now (`starting…`), or empty."""
    compact: reactive[bool] = reactive(False)
    """A small terminal: the status line and the error's first line only, no log."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Server"

    def watch_status(self, status: ServerStatus | None) -> None:
        self.set_class(status is not None and status.error is not None, "-broken")

    def render(self) -> RenderableType:
        status = self.status
        if status is None:
            return Text("checking…", DIM)
        head = Text(no_wrap=True, overflow="ellipsis")
        if status.up:
            head.append("UP ", OK)
            head.append(status.url or "?", "bold underline")
        elif status.waiting:
            head.append("WAITING ", WARN)
            head.append("for a step with an app: n or t brings one", DIM)
        elif status.running:
            head.append("BROKEN ", BAD)
            head.append("save a fix: the server reloads", DIM)
        else:
            head.append("DOWN ", BAD)
            head.append("press s to start", DIM)
        head.append(f"  db {status.database or '?'}", DIM)
        if status.attached:
            head.append("  (vibecode serve)", DIM)
        parts: list[RenderableType] = [head]
        if self.busy:
            parts.append(Text(self.busy, WARN))
        if status.error:
            problem = "The app stopped loading:" if status.running else "The server cannot start:"
            if self.compact:
                parts.append(Text.assemble((problem + " ", BAD), status.error.strip()))
                return Group(*parts)
            parts.append(Text(problem, BAD))
            parts.append(Text(status.error.strip()))
        elif self.compact:
            return Group(*parts)
        else:
            lines = status.log_tail or ("(no log yet)",)
            parts.extend(
                Text(line.removeprefix("INFO:     "), DIM, no_wrap=True, overflow="ellipsis")
                for line in lines
            )
        return Group(*parts)
