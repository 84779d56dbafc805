"""`check --watch`: run the step's tests again on every save (watchfiles), warm between runs.

Each save is answered in two runs on a warm pytest (`workspace.warm`) that still imports the
attendee's code afresh: the step's own new tests alone (the quick verdict), then, when they
pass, every test of the step up to the first failure. Saves that land while a run is going are
collected and answered by one more run.
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
    on_result: Callable[[TestReport, bool], None],
    stop: threading.Event | None = None,
    debounce_ms: int = 150,
) -> None:
    """Check now, then after every save until `stop` is set (or Ctrl-C).

    `on_result(report, final)`: `final` is False for the quick verdict of the own tests alone.
    """
    import watchfiles

    from vibecode.workspace.checks import own_tests
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
            state = load_state(workspace)
            number = state.step + 1 if next_step else state.step
            own = own_tests(course, number) if 0 < number <= course.last else set()
            if not own or own >= set(course.step(number).tests):
                on_result(once(only_own=False), True)  # the own tests are all of them
                return
            quick = once(only_own=True)
            if not quick.ok:
                on_result(quick, True)
                return
            on_result(quick, False)
            on_result(once(only_own=False), True)

        def once(*, only_own: bool) -> TestReport:
            if next_step:
                report, _ = check_next(
                    course, workspace, database_url=database_url, stop_first=True,
                    runner=runner, only_own=only_own,
                )  # fmt: skip
                return report
            step = load_state(workspace).step
            return check_current(
                course, workspace, step, database_url=database_url, stop_first=True,
                runner=runner, only_own=only_own,
            )  # fmt: skip

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
