"""Make the last step end exactly at the reference app, whatever changed in app/ or tests/.

The last step's files/ becomes what differs between the reference app (app/, tests/,
alembic.ini, .env.example, pytest.ini) and the checkpoint of the step before it; files the app
no longer has go to its `delete` list. The quick fix for a drifting course: prefer
`scripts/carve_steps.py`, which puts each change in the step that teaches it, and fall back to
this one when a carving rule needs more thought than there is time for.

    python scripts/sync_last_step.py [--check]
"""

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vibecode.course.manifest import load_course  # noqa: E402

REFERENCE = ("app", "tests", "alembic.ini", ".env.example", "pytest.ini")


def reference() -> dict[str, bytes]:
    """The reference app's files, by workspace path."""
    files: dict[str, bytes] = {}
    for name in REFERENCE:
        path = ROOT / name
        found = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for file in found:
            if "__pycache__" not in file.parts and file.suffix != ".pyc":
                files[file.relative_to(ROOT).as_posix()] = file.read_bytes()
    return files


def main(check: bool) -> int:
    """Rewrite (or, with `check`, only compare) the last step; 1 when it was out of date."""
    course = load_course(ROOT / "steps")
    last = course.step(course.last)
    before = course.checkpoint(course.last - 1)
    target = reference()
    if course.checkpoint(course.last) == target:
        print(f"{last.label} already ends at the reference app")  # noqa: T201 - a script's report
        return 0
    if check:
        print(f"{last.label} does not end at the reference app: run this script")  # noqa: T201
        return 1
    if last.files_dir.exists():
        shutil.rmtree(last.files_dir)
    for path, content in target.items():
        if before.get(path) != content:
            destination = last.files_dir / path
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(content)
    gone = sorted(set(before) - set(target))
    manifest = last.directory / "step.toml"
    text = re.sub(r"^delete = \[.*?\]\n", "", manifest.read_text(), flags=re.S | re.M)
    if gone:
        listed = ", ".join(f'"{path}"' for path in gone)
        text = re.sub(r"^(tests = \[.*?\]\n)", rf"\1delete = [{listed}]\n", text, flags=re.S | re.M)
    manifest.write_text(text)
    print(f"{last.label} rewritten; now run `vibecode script`")  # noqa: T201 - a script's report
    return 0


if __name__ == "__main__":
    sys.exit(main(check="--check" in sys.argv[1:]))
