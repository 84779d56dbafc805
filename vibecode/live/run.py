"""`vibecode type [N]`: pick the step, bring the workspace there, play it, say what happened."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from vibecode.course.manifest import Course
from vibecode.errors import VibecodeError
from vibecode.workspace.saved import SavedFile

if TYPE_CHECKING:
    from rich.console import Console


def next_to_type(course: Course, workspace: Path) -> int:
    """The step `vibecode type` types without an argument: the one being typed, else the next."""
    from vibecode.workspace.state import has_state, load_state

    if not has_state(workspace):
        return 1
    state = load_state(workspace)
    if state.pending is not None and state.pending.step == state.step + 1:
        return state.pending.step
    if state.step >= course.last:
        raise VibecodeError(
            f"the workspace is at step {state.step}, the last one: nothing left to type",
            hint="`vibecode goto N` then `vibecode type` types step N+1 again",
        )
    return state.step + 1


def run_type(
    *, course: Course, workspace: Path, number: int | None, cps: float | None, console: Console
) -> bool:
    """Type a step in the editor view; True when it was typed to the end (False: paused)."""
    from rich.markup import escape

    from vibecode.dashboard.type_app import TypeApp
    from vibecode.live.typist import Typist

    target = number if number is not None else next_to_type(course, workspace)

    def saved(item: SavedFile) -> None:
        console.print(
            f"[yellow]saved[/] {escape(item.path)} [dim]({item.why}) → vibecode restore "
            f"{item.set_id}[/]",
            highlight=False,
        )

    typist = Typist(course, workspace, target, on_saved=saved)
    start = typist.begin()
    plan = start.plan
    if start.moved_from is not None:
        console.print(
            f"[dim]The workspace went from step {start.moved_from} to step {target - 1} first.[/]"
        )
    how = "resuming" if start.resumed else "typing"
    console.print(
        f"[bold]Step {target}[/] · {escape(plan.title)}: {how} {plan.hunks} hunks in "
        f"{len(plan.files)} files",
        highlight=False,
    )
    app = TypeApp(typist, cps=cps)
    finished = app.run()
    player = typist.player
    if not finished:
        typist.stop()
        where = player.where() if player is not None else f"step {target}"
        console.print(
            f"[yellow]Paused[/] at {escape(where)}: everything typed is on disk. "
            f"`vibecode type` resumes; `vibecode goto {target}` completes the step at once.",
            highlight=False,
        )
        return False
    outcome = typist.finish()
    took = app.typed_seconds or 0.0
    speed = f", {plan.chars / took:,.0f} characters/s" if took > 0 else ""
    console.print(
        f"[bold green]Step {target} typed[/] in {took:.2f} s ({plan.chars:,} characters{speed}); "
        f"{outcome.writes} writes; the workspace equals step {target}'s checkpoint.",
        highlight=False,
    )
    if outcome.corrected:
        console.print(
            "[yellow]note:[/] the last move had to write " + ", ".join(outcome.corrected),
            highlight=False,
        )
    return True
