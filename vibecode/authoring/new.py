"""`course new DIR`: a course with one step that already passes `vibecode course check`."""

from __future__ import annotations

from pathlib import Path

from vibecode.atomic import atomic_write
from vibecode.authoring.writer import step_manifest, write_script
from vibecode.course.course_file import COURSE_FILE
from vibecode.course.manifest import WEAVE_FILE
from vibecode.course.source.weave import dumps, encode_versions
from vibecode.errors import VibecodeError

FIRST_SLUG = "start"

STARTER: dict[str, str] = {
    "app/__init__.py": "",
    "app/main.py": '''"""The app of this course: every step grows it."""

from fastapi import FastAPI

app = FastAPI(title="My talk")


@app.get("/health")
async def health() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}
''',
    "tests/__init__.py": "",
    "tests/test_health.py": """from fastapi.testclient import TestClient

from app.main import app


def test_health_answers_ok() -> None:
    response = TestClient(app).get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
""",
    "pytest.ini": "[pytest]\ntestpaths = tests\n",
}

DEMO = """
[[demo]]
name = "health"
path = "/health"
expect = 200
note = "the app answers"
"""


def new_course(folder: Path, *, title: str) -> Path:
    """Create the course folder `folder` (absent or empty) with its first step."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise VibecodeError(
            f"{folder} already exists and is not empty",
            hint="`vibecode course new` creates a course in a new or empty folder",
        )
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write(
        folder / COURSE_FILE,
        (
            f"title = {_quoted(title)}\n"
            '# reference = ".."             # a folder the last step must equal (optional)\n'
            '# reference_paths = ["app", "tests"]\n'
            'script = "SCRIPT.md"\n'
            "\n"
            "# A cut of the talk: some steps, each with its own budget in minutes.\n"
            "# [tracks.short]\n"
            '# title = "The 20-minute cut"\n'
            f"# minutes = {{ {FIRST_SLUG} = 5 }}\n"
        ).encode(),
    )
    files = {path: text.encode("utf-8") for path, text in STARTER.items()}
    step = folder / f"01-{FIRST_SLUG}"
    step.mkdir()
    manifest = step_manifest(
        title="A FastAPI app that answers",
        goal="GET /health answers 200",
        minutes=5,
        changed=sorted(files),
        demo_hint=False,
    )
    atomic_write(step / "step.toml", (manifest + DEMO).encode("utf-8"))
    atomic_write(folder / WEAVE_FILE, dumps(encode_versions([{}, files])))
    write_script(folder, track=None)
    return folder


def _quoted(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)
