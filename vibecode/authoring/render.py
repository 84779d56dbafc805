"""What the authoring commands print, on a Rich console the command passes in."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from vibecode.authoring.carry import CarryConflict
    from vibecode.authoring.writer import SaveReport


def print_save_report(report: SaveReport, *, console: Console) -> None:
    """What a save, record or absorb changed: steps, the reference, the scripts regenerated."""
    steps = report.steps_changed
    if steps:
        console.print(f"Steps changed: {', '.join(str(n) for n in steps)}.", highlight=False)
    if report.reference_written or report.reference_deleted:
        console.print(
            f"Reference updated: {len(report.reference_written)} written, "
            f"{len(report.reference_deleted)} removed.",
            highlight=False,
        )
    if report.reference_saved is not None:
        console.print(
            f"Your own edits of the reference were saved first: {report.reference_saved}",
            highlight=False,
            soft_wrap=True,
        )
    for script in [report.script, *report.track_scripts]:
        if script is not None:
            console.print(f"{script} regenerated.", highlight=False)


def print_conflict(conflict: CarryConflict, workspace: Path, *, console: Console) -> None:
    """Both sides of each conflicting file, and how to settle or drop the edit."""
    from rich.markup import escape

    console.print(f"[bold red]conflict:[/] {escape(str(conflict))}", highlight=False)
    for item in conflict.files:
        console.print(f"\n[bold]{escape(item.path)}[/]", highlight=False)
        console.print(f"  your change (step {conflict.edited}):", highlight=False)
        for line in item.ours.splitlines() or ["(nothing)"]:
            console.print(f"    [green]{escape(line)}[/]", highlight=False)
        console.print(f"  step {conflict.step}:", highlight=False)
        for line in item.theirs.splitlines() or ["(nothing)"]:
            console.print(f"    [yellow]{escape(line)}[/]", highlight=False)
    console.print(
        f"\nNothing was written to the course. The workspace {workspace} is now at step "
        f"{conflict.step} with both sides marked (<<<<<<< your change ... >>>>>>> the later step)."
        f"\nTo resolve: edit the marked files into what step {conflict.step} should hold, then "
        "`vibecode course save` (it goes on from there).\n"
        "To give up the edit: `vibecode course edit --abort`.",
        highlight=False,
        soft_wrap=True,
    )
