"""`vibecode show` and `diff` for the attendee who types along: full lines when piped, a patch
that applies, one file, colours and marked wraps and a pager on a terminal."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tool_tests.workspace.workspace_kit import Cli, StepSpec, snapshot, write_course
from vibecode.course.diffs import FileDiff
from vibecode.course.manifest import Course, load_course
from vibecode.workspace import apply

LONG = "x = '" + "long line " * 20 + "'\n"


@pytest.fixture
def long_course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Course:
    """Two steps; the second writes a 200-column line and a file of 80 lines."""
    many = "".join(f"LINE_{n} = {n}\n" for n in range(80))
    root = write_course(
        tmp_path / "long-steps",
        [
            StepSpec("one", {"app/__init__.py": "", "app/main.py": "print('one')\n"}),
            StepSpec(
                "two",
                {"app/main.py": "print('two')\n" + LONG, "app/many.py": many, "app/empty.py": ""},
            ),
        ],
    )
    monkeypatch.setenv("VIBECODE_STEPS", str(root))
    return load_course(root)


def test_piped_show_prints_full_lines(
    cli: Cli, long_course: Course, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    result = cli("show", "2")
    assert "+" + LONG in result.stdout  # never cut at the terminal's width
    assert "changed app/main.py +2 -1" in result.stdout


def test_show_patch_applies(cli: Cli, long_course: Course, workspace: Path, tmp_path: Path) -> None:
    if shutil.which("patch") is None:
        pytest.fail("GNU patch is needed to prove the patch applies")
    apply.goto(long_course, workspace, 1)
    patch = tmp_path / "step2.patch"
    patch.write_text(cli("show", "2", "--patch").stdout)
    subprocess.run(["patch", "-p1", "-s", "-i", str(patch)], cwd=workspace, check=True)
    assert snapshot(workspace) == long_course.checkpoint(2)  # the empty file came too


def test_show_one_file(cli: Cli, long_course: Course) -> None:
    result = cli("show", "2", "--file", "app/many.py")
    assert "+LINE_79 = 79" in result.stdout and "app/main.py" not in result.stdout
    missing = cli("show", "2", "--file", "app/nope.py")
    assert missing.code == 2 and "step 2 does not change app/nope.py" in missing.stderr


def test_line_endings_and_latin1_are_readable() -> None:
    crlf = FileDiff("a.py", "changed", b"x = 1\ny = 2\n", b"x = 1\r\ny = 2\r\n")
    assert "Only the line endings differ: LF -> CRLF" in crlf.unified()
    assert crlf.counts == (0, 0)
    assert "\r" in crlf.unified(exact=True)  # a patch keeps them
    latin = FileDiff("notes.txt", "changed", b"caf\xe9\n", b"caf\xe9 au lait\n")
    assert "+caf\xe9 au lait" in latin.unified() and latin.encoding_note
    assert "Binary files" in FileDiff("x.bin", "changed", b"\0a", b"\0b").unified()


def test_status_reports_line_endings_only(cli: Cli, long_course: Course, workspace: Path) -> None:
    apply.goto(long_course, workspace, 2)
    main = workspace / "app/main.py"
    main.write_bytes(main.read_bytes().replace(b"\n", b"\r\n"))
    result = cli("status")
    assert "line endings only" in result.stdout
    # The heading is a line of its own, not a table title that wraps over the narrow table.
    assert "Changed since the tool wrote them\n" in result.stdout


@pytest.mark.e2e
def test_on_a_terminal_show_colours_wraps_with_a_mark_and_pages(
    long_course: Course, tmp_path: Path
) -> None:
    paged = tmp_path / "paged.txt"
    env = {
        **os.environ,
        "VIBECODE_STEPS": str(long_course.root),
        "COLUMNS": "60",
        "LINES": "20",
        "PAGER": f"cat > {paged}",
        "TERM": "xterm-256color",
    }
    env.pop("NO_COLOR", None)
    screen = _on_a_terminal([sys.executable, "-m", "vibecode", "show", "2"], env)
    text = paged.read_text()
    assert "\x1b[" in text  # colours
    assert "↪" in text  # the 200-column line wrapped, its continuation marked
    assert "LINE_79" in text  # the whole diff went to the pager...
    assert "LINE_79" not in screen  # ...not to the screen
    direct = _on_a_terminal([sys.executable, "-m", "vibecode", "show", "2", "--no-pager"], env)
    assert "LINE_79" in direct


def _on_a_terminal(command: list[str], env: dict[str, str]) -> str:
    """Run `command` with its stdout on a pseudo-terminal; what it wrote there."""
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen(command, env=env, stdout=follower, stderr=subprocess.PIPE)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    assert process.stderr is not None
    process.stderr.close()
    os.close(leader)
    assert process.returncode == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_status_heading_does_not_wrap_over_a_narrow_table(
    cli: Cli, long_course: Course, workspace: Path
) -> None:
    apply.goto(long_course, workspace, 1)
    (workspace / "app/main.py").unlink()  # one short row: `app/main.py | deleted`
    lines = cli("status").stdout.splitlines()
    assert "Changed since the tool wrote them" in lines
