"""Live progress on the terminal while a run goes on: requests, current req/s, errors."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING

from vibecode.bench.result import Progress

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.live import Live

REFRESH_PER_SECOND = 4


class LiveProgress:
    """A transient status line; silent when the console is not a terminal (pipes, tests)."""

    def __init__(self, console: Console, *, label: str = "", seconds: float | None = None) -> None:
        self.console = console
        self.label = label
        self.seconds = seconds
        self._live: Live | None = None

    def __enter__(self) -> LiveProgress:
        if self.console.is_terminal:
            from rich.live import Live

            self._live = Live(
                self.render(None),
                console=self.console,
                auto_refresh=False,
                transient=True,
                redirect_stdout=False,
                redirect_stderr=False,
            )
            self._live.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None

    def relabel(self, label: str) -> None:
        """Show another side's name (comparisons run A, then B)."""
        self.label = label

    def update(self, progress: Progress) -> None:
        """Show a new snapshot (the load generator calls this about four times a second)."""
        if self._live is not None:
            self._live.update(self.render(progress), refresh=True)

    def render(self, progress: Progress | None) -> RenderableType:
        """The status line for a snapshot."""
        from rich.progress_bar import ProgressBar
        from rich.table import Table

        line = Table.grid(padding=(0, 2))
        label = f"[bold cyan]{self.label}[/]" if self.label else "[bold cyan]load[/]"
        if progress is None:
            line.add_row(label, "[dim]starting…[/]")
            return line
        if progress.draining:
            line.add_row(
                label,
                f"[dim]done: waiting for {progress.in_flight:,} requests still in flight"
                " (not counted)[/]",
            )
            return line
        if progress.warming_up:
            line.add_row(label, "[yellow]warming up (not counted)[/]", f"{progress.rps:,.0f} req/s")
            return line
        cells: list[RenderableType] = [label]
        if self.seconds:
            done = min(progress.elapsed_s, self.seconds)
            cells.append(ProgressBar(total=self.seconds, completed=done, width=24))
            cells.append(f"{done:4.1f} / {self.seconds:g} s")
        else:
            cells.append(f"{progress.elapsed_s:4.1f} s")
        errors = f"[red]{progress.errors:,} errors[/]" if progress.errors else "[dim]0 errors[/]"
        cells += [
            f"[bold]{progress.completed:,}[/] requests",
            f"[bold]{progress.rps:,.0f}[/] req/s",
            errors,
            f"[dim]{progress.in_flight:,} in flight[/]",
        ]
        line.add_row(*cells)
        return line
