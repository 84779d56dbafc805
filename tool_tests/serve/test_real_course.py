"""The real course, served: a few of its steps on a real uvicorn, with their demo requests."""

from __future__ import annotations

from pathlib import Path

import pytest

from vibecode.course.manifest import load_course
from vibecode.demo.runner import run_requests
from vibecode.paths import steps_root
from vibecode.serve.server import ServerProcess

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("no_orphans")]


def sample_steps() -> list[int]:
    """The first, a middle and the last step: the whole course is `vibecode rehearse`'s job."""
    if not steps_root().is_dir():
        return []
    last = load_course(steps_root()).last
    return sorted({1, (last + 1) // 2, last} - {0})


@pytest.mark.parametrize("number", sample_steps())
def test_a_real_step_serves_and_its_demos_answer(number: int, tmp_path: Path) -> None:
    from vibecode.workspace.apply import goto

    course = load_course(steps_root())
    workspace = tmp_path / "workshop"
    goto(course, workspace, number)

    with ServerProcess(workspace, port=0, reload=False, access_log=False) as server:
        results = run_requests(server.url, course.step(number).demos)

    failures = [f"{r.spec.name}: {r.error}" for r in results if not r.ok]
    assert not failures
