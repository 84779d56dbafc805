"""The rehearsal's progress display and final table."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from vibecode.course.manifest import Step
from vibecode.rehearse.runner import OnPhase, StepOutcome

if TYPE_CHECKING:
    from rich.console import Console

TITLE_MIN = 26
"""The title column's width on a narrow terminal (the longest titles are cut with …)."""
OTHER_COLUMNS = 40
"""Step, verdict, seconds and budget with the table's borders and padding."""
DETAIL_MIN = 36
"""What the checked / what failed column keeps before the title takes more."""


@contextmanager
def progress(
    console: Console, total: int
) -> Iterator[tuple[OnPhase, Callable[[StepOutcome], None]]]:
    """Live progress: a bar over the steps and the current phase; a line per finished step."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    bar = Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    task = bar.add_task("Rehearsing", total=total)

    def on_phase(step: Step, phase: str) -> None:
        bar.update(task, description=f"Step {step.number} · {step.title}: {phase}")

    def on_outcome(outcome: StepOutcome) -> None:
        mark = "[green]✓[/]" if outcome.ok else "[bold red]✗[/]"
        bar.console.print(
            f"{mark} step {outcome.number} · {outcome.title} [dim]{outcome.seconds:.1f} s[/]",
            highlight=False,
        )
        bar.advance(task)

    with bar:
        yield on_phase, on_outcome


def render_report(
    console: Console,
    outcomes: list[StepOutcome],
    *,
    total_seconds: float,
    title: str = "Rehearsal",
) -> None:
    """One row per step (verdict, seconds, budget, what failed), then the totals."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("Step", justify="right")
    # Whole titles when the terminal has room for them beside a readable detail column.
    title_width = max(TITLE_MIN, console.width - OTHER_COLUMNS - DETAIL_MIN)
    table.add_column("Title", max_width=title_width, overflow="ellipsis", no_wrap=True)
    table.add_column("", justify="center")
    table.add_column("Seconds", justify="right")
    table.add_column("Budget", justify="right")
    table.add_column("Checked / what failed and why", ratio=1, overflow="fold")
    for outcome in outcomes:
        verdict = "[green]pass[/]" if outcome.ok else "[bold red]FAIL[/]"
        detail = (
            "[dim]" + escape(", ".join(outcome.checks) or "-") + "[/]"
            if outcome.ok
            else "[red]" + escape("\n".join(outcome.problems)) + "[/]"
        )
        table.add_row(
            str(outcome.number),
            escape(outcome.title),
            verdict,
            f"{outcome.seconds:.1f}",
            f"{outcome.minutes} min",
            detail,
        )
    console.print(table)
    failed = [outcome for outcome in outcomes if not outcome.ok]
    budget = sum(outcome.minutes for outcome in outcomes)
    summary = (
        f"{len(outcomes) - len(failed)} of {len(outcomes)} steps passed in {total_seconds:.1f} s "
        f"(talk budget {budget} min)"
    )
    style = "bold red" if failed else "bold green"
    console.print(f"[{style}]{summary}[/]", highlight=False)
