"""`vibecode demo`: pick the current step's requests, find (or start) a server, fire and print."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vibecode.course.manifest import RequestSpec
from vibecode.errors import VibecodeError
from vibecode.serve import recorded
from vibecode.serve.recorded import ensure_answering

if TYPE_CHECKING:
    from rich.console import Console

    from vibecode.demo.runner import DemoResult

PLACEHOLDER = re.compile(r"\$\{(\w+)\}")
BUILT_IN = frozenset({"run"})


def select_requests(specs: Sequence[RequestSpec], name: str | None) -> list[RequestSpec]:
    """All of `specs`, or the one named `name` after the earlier ones it takes values from."""
    if name is None:
        return list(specs)
    names = [spec.name for spec in specs]
    if name not in names:
        raise VibecodeError(
            f"this step has no demo request named {name!r}", hint=f"known: {', '.join(names)}"
        )
    index = names.index(name)
    wanted = placeholders(specs[index]) - BUILT_IN
    if not wanted:
        return [specs[index]]
    # Keep the earlier requests that capture something: the chosen one needs their values.
    earlier = [spec for spec in specs[:index] if spec.capture]
    return [*earlier, specs[index]]


def placeholders(spec: RequestSpec) -> set[str]:
    """The `${name}` variables a request uses."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.update(PLACEHOLDER.findall(value))
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk([spec.path, dict(spec.headers), spec.json, dict(spec.form or {})])
    return found


def run_demo(
    workspace: Path,
    *,
    name: str | None,
    url: str | None,
    start: bool,
    console: Console,
    paced: bool = False,
) -> bool:
    """Fire the current step's demo requests and print them; True when all answered as expected."""
    from vibecode.course.loader import load
    from vibecode.workspace.state import load_state

    step_number = load_state(workspace).step
    if step_number == 0:
        console.print("Step 0 is the empty workspace: no demo requests. `vibecode next` starts.")
        return True
    step = load(whole=True).step(step_number)  # the selected course, as every command loads it
    if not step.demos:
        console.print(f"Step {step_number} ({step.title}) has no demo requests.")
        return True
    specs = select_requests(step.demos, name)
    console.print(f"[bold]Step {step_number}[/] · {step.title}", highlight=False)
    if url is not None:
        ensure_answering(url, workspace=workspace)
        return _fire(url, specs, console, paced=paced)
    running = recorded.find(workspace)
    if running is not None:
        ensure_answering(running.url, workspace=workspace)
        return _fire(running.url, specs, console, paced=paced, log=Path(running.log))
    if not start:
        raise VibecodeError(
            f"no server is running for {workspace}",
            hint="start one with `vibecode serve` in another terminal, or use `vibecode demo "
            "--start`",
        )
    with console.status("Starting a server for the demo..."):
        server = recorded.temporary(workspace)
        process = server.__enter__()
    try:
        return _fire(process.url, specs, console, paced=paced, log=process.log_path)
    finally:
        server.__exit__(None, None, None)


def _fire(
    base_url: str,
    specs: list[RequestSpec],
    console: Console,
    *,
    paced: bool,
    log: Path | None = None,
) -> bool:
    from vibecode.demo.log_match import log_about
    from vibecode.demo.render import render_result, render_summary
    from vibecode.demo.runner import run_requests

    if paced:
        from vibecode.demo.paced import PacedDemo, run_paced

        return run_paced(PacedDemo(base_url, specs), console, log=log)

    def show(result: DemoResult) -> None:
        render_result(console, result, log=log_about(result, log))

    results = run_requests(base_url, specs, on_result=show)
    render_summary(console, results)
    return all(result.ok for result in results)
