"""`check --watch`: run the step's tests again on every save (watchfiles), warm between runs.

Each run checks the step's own new tests first and stops at the first failure, on a warm
pytest (`workspace.warm`) that still imports the attendee's code afresh. Saves that land while
a run is going are collected and answered by one more run.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from vibecode.course.manifest import Course
from vibecode.workspace.checks import TestReport
from vibecode.workspace.files import is_ignored


def changed_paths(workspace: Path, changes: Iterable[tuple[object, str]]) -> list[str]:
    """The workspace paths among watchfiles' changes that the tool manages."""
    found = []
    for _, raw in changes:
        try:
            relative = Path(raw).resolve().relative_to(workspace).as_posix()
        except (OSError, ValueError):
            continue
        if relative and not is_ignored(relative):
            found.append(relative)
    return sorted(set(found))


def watch_checks(
    course: Course,
    workspace: Path,
    *,
    next_step: bool,
    database_url: str | None,
    on_start: Callable[[list[str]], None],
    on_result: Callable[[TestReport], None],
    stop: threading.Event | None = None,
    debounce_ms: int = 150,
) -> None:
    """Check now, then after every save until `stop` is set (or Ctrl-C)."""
    import watchfiles

    from vibecode.workspace.follow import check_current, check_next
    from vibecode.workspace.state import load_state
    from vibecode.workspace.warm import WarmRunner

    stop = stop or threading.Event()

    def watch_filter(change: object, path: str) -> bool:
        try:
            relative = Path(path).resolve().relative_to(workspace).as_posix()
        except (OSError, ValueError):
            return False
        return bool(relative) and not is_ignored(relative)

    with WarmRunner() as runner:

        def run(paths: list[str]) -> None:
            on_start(paths)
            on_result(once(runner))

        def once(warm: WarmRunner | None) -> TestReport:
            if next_step:
                report, _ = check_next(
                    course, workspace, database_url=database_url, stop_first=True, runner=warm
                )
                return report
            step = load_state(workspace).step
            return check_current(
                course, workspace, step, database_url=database_url, stop_first=True, runner=warm
            )

        run([])
        for changes in watchfiles.watch(
            workspace,
            watch_filter=watch_filter,
            stop_event=stop,
            debounce=debounce_ms,
            step=30,
            raise_interrupt=False,
        ):
            paths = changed_paths(workspace, changes)
            if paths:
                run(paths)
