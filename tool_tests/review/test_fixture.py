"""Every rule, planted once in tool_tests/review/fixture, is found at the line that says so."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from vibecode.review.rules import RULES
from vibecode.review.runner import review

FIXTURE = Path(__file__).parent / "fixture"
EXPECT = re.compile(r"#\s*expect:\s*((?:VC\d{3}\s*)+)")

pytestmark = pytest.mark.e2e


def _planted() -> set[tuple[str, str, int]]:
    planted = set()
    for path in sorted(FIXTURE.rglob("*")):
        if path.suffix not in {".py", ".ini"}:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = EXPECT.search(line)
            for rule in match.group(1).split() if match else ():
                planted.add((rule, path.relative_to(FIXTURE).as_posix(), number))
    return planted


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy: the review must write nothing, and the copy shows it."""
    copy = tmp_path_factory.mktemp("planted") / "project"
    shutil.copytree(FIXTURE, copy)
    return copy


def test_every_rule_is_planted_once() -> None:
    planted = {rule for rule, _, _ in _planted()}
    assert planted == set(RULES) - {"VC901"}


def test_each_planted_violation_is_found_at_its_line_and_nothing_else(project: Path) -> None:
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    result = review(project)
    found = {(f.rule, f.path, f.line) for f in result.findings}
    assert found == _planted()
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before  # wrote nothing


def test_skipped_rules_are_not_reported(project: Path) -> None:
    result = review(project, skip=frozenset({"VC304", "VC501"}))
    assert {"VC304", "VC501"}.isdisjoint(result.rules())
    assert "VC302" in result.rules()


def test_the_cli_prints_each_finding_with_its_fix_and_exits_1(project: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "vibecode", "review", str(project)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 1, run.stderr
    lines = run.stdout.splitlines()
    at = lines.index(
        "app/services/item_service.py:23: VC103 blocking call inside async def: "
        "ASYNC251 Async functions should not call `time.sleep`"
    )
    assert lines[at + 1].startswith("    fix: await the async version")
    assert lines[-1] == f"{len(_planted())} problems (17 rules)"


def test_the_cli_json_lists_rule_path_line_message_and_fix(project: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "vibecode", "review", str(project), "--json"],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 1
    document = json.loads(run.stdout)
    assert document["ok"] is False
    first = {(f["rule"], f["path"], f["line"]) for f in document["findings"]}
    assert first == _planted()
    assert all(set(f) == {"rule", "path", "line", "message", "fix"} for f in document["findings"])


def test_the_reference_app_passes_and_the_cli_exits_0(repo_root: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "vibecode", "review", str(repo_root)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stdout
    assert run.stdout.strip().splitlines()[-1] == "review: every rule holds"


def test_a_folder_without_an_app_is_one_line_and_exit_2(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "vibecode", "review", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2
    assert "has no app/ package" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_module_that_does_not_parse_is_named_at_its_line(project: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(project, broken)
    main = broken / "app" / "main.py"
    lines = main.read_text(encoding="utf-8").splitlines()
    main.write_text("\n".join([*lines, "def broken(:"]) + "\n", encoding="utf-8")
    result = review(broken)
    assert ("VC901", "app/main.py", len(lines) + 1) in {
        (f.rule, f.path, f.line) for f in result.findings
    }
    assert "VC304" not in result.rules()  # its handler could be in the unreadable module
    assert "VC302" in result.rules()  # the other modules are still reviewed
