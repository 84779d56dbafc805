"""docs/WRITE_YOUR_OWN_TALK.md works as written: every `bash` block, in order, in a shell."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from vibecode.course.manifest import load_course
from vibecode.paths import project_root

DOC = project_root() / "docs" / "WRITE_YOUR_OWN_TALK.md"
BLOCK = re.compile(r"^```bash\n(.*?)^```$", re.S | re.M)


def test_the_doc_has_the_whole_walk_through() -> None:
    text = "\n".join(BLOCK.findall(DOC.read_text(encoding="utf-8")))
    for command in ("course new", "course record", "course edit", "course save", "course check"):
        assert f"vibecode {command}" in text
    assert text.count("vibecode course record") == 3
    assert "vibecode rehearse" in text


@pytest.mark.e2e
def test_every_command_of_the_walk_through_runs(tmp_path: Path) -> None:
    script = "set -euo pipefail\n" + "\n".join(BLOCK.findall(DOC.read_text(encoding="utf-8")))
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"VIBECODE_COURSE", "VIBECODE_STEPS", "VIBECODE_TRACK", "VIBECODE_WORKSPACE"}
    }
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["VIBECODE_CACHE_DIR"] = str(tmp_path / "cache")
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "4 of 4 steps passed" in done.stdout
    assert "2 of 2 steps passed" in done.stdout  # the rehearsal of the lightning track
    course = load_course(tmp_path / "talk")
    assert [step.title for step in course.steps][1:] == [
        "Say hello",
        "Test the greeting",
        "Greet by name",
    ]
    for number in range(1, 5):
        assert b'title="FastAPI in ten minutes"' in course.checkpoint(number)["app/main.py"]
    assert (tmp_path / "talk" / "SCRIPT-lightning.md").is_file()
