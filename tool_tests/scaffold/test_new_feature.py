"""`vibecode new feature`: a whole feature that passes its tests, alembic check and the review."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vibecode.course.manifest import load_course
from vibecode.errors import VibecodeError
from vibecode.review.runner import review
from vibecode.scaffold.feature import new_feature
from vibecode.workspace.apply import goto

STEPS = Path(__file__).resolve().parents[2] / "steps"
FEATURE = ["name:str", "price:float", "in_stock:bool", "note:text?", "released:datetime?"]


def _workspace(tmp_path: Path, step: int | None = None) -> Path:
    course = load_course(STEPS)
    ws = tmp_path / "workshop"
    goto(course, ws, course.last if step is None else step)
    return ws


def _snapshot(ws: Path) -> dict[str, bytes]:
    return {
        p.relative_to(ws).as_posix(): p.read_bytes()
        for p in ws.rglob("*")
        if p.is_file() and ".vibecode" not in p.parts and "__pycache__" not in p.parts
    }


def _env(ws: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ws))
    env.pop("TEST_DATABASE_URL", None)  # the suite's own temporary SQLite file
    return env


@pytest.mark.e2e
def test_an_owned_feature_at_the_last_step_passes_its_tests_alembic_check_and_review(
    tmp_path: Path,
) -> None:
    ws = _workspace(tmp_path)
    started = time.monotonic()
    made = new_feature(ws, "product", FEATURE, owned=True)
    took = time.monotonic() - started
    assert took < 2.0, took
    assert set(made.written) == {
        "app/models/product.py",
        "app/alembic/versions/0004_products.py",
        "app/schemas/product.py",
        "app/services/product_service.py",
        "app/api/products.py",
        "tests/test_products.py",
    }
    tests = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/test_products.py",
            "tests/test_migrations.py",
            "-q",
        ],
        cwd=ws,
        env=_env(ws),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert (
        "test_only_the_owner_changes_or_deletes_it PASSED" in tests.stdout
        or " passed" in (tests.stdout.splitlines()[-1])
    )
    assert "failed" not in tests.stdout.splitlines()[-1]
    env = _env(ws) | {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'check.db'}"}
    alembic = [sys.executable, "-m", "alembic", "-c", "alembic.ini"]
    for args in (["upgrade", "head"], ["check"]):
        run = subprocess.run(alembic + args, cwd=ws, env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stdout + run.stderr
    result = review(ws)
    assert result.ok, [f"{f.path}:{f.line} {f.rule} {f.message}" for f in result.findings]
    # "Then make it yours": what SCRIPT.md's closing exercise says the review then finds.
    schemas = ws / "app" / "schemas" / "product.py"
    text = schemas.read_text()
    assert text.count("    id: uuid.UUID = Field(") == 1
    schemas.write_text(text.replace("    id: uuid.UUID = Field(", "    id: int = Field("))
    service = ws / "app" / "services" / "product_service.py"
    lines = service.read_text().splitlines()
    at = lines.index("        self.session.add(item)")
    lines.insert(at, '        print("creating")')
    service.write_text("\n".join(lines) + "\n")
    schema_line = 1 + next(
        n for n, line in enumerate(schemas.read_text().splitlines()) if "id: int = Field(" in line
    )
    found = {(f.rule, f.path, f.line) for f in review(ws).findings}
    assert found == {
        ("VC301", "app/services/product_service.py", at + 1),
        ("VC204", "app/schemas/product.py", schema_line),
    }


@pytest.mark.e2e
def test_the_generated_tests_count_every_endpoint_and_ownership(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    new_feature(ws, "product", FEATURE, owned=True)
    listed = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/test_products.py", "--collect-only", "-q"],
        cwd=ws,
        env=_env(ws),
        capture_output=True,
        text=True,
        timeout=120,
    )
    names = listed.stdout
    for expected in (
        "test_create_answers_the_item_with_a_public_id",
        "test_create_needs_a_token",
        "test_read_by_public_id",
        "test_read_an_unknown_public_id_is_404",
        "test_an_integer_id_is_not_a_route",
        "test_list_pages_newest_first_and_caps_the_page",
        "test_update_changes_only_the_fields_sent",
        "test_delete_then_it_is_gone",
        "test_only_the_owner_changes_or_deletes_it",
    ):
        assert expected in names, expected


def test_a_second_run_stops_names_the_files_and_writes_nothing(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    new_feature(ws, "product", ["name:str"], owned=False)
    before = _snapshot(ws)
    with pytest.raises(VibecodeError, match=r"app/models/product\.py, .* already exist"):
        new_feature(ws, "product", ["title:str"], owned=False)
    assert _snapshot(ws) == before


def test_an_unrecognised_main_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    main = ws / "app" / "main.py"
    main.write_text(
        main.read_text()
        .replace("from app.api import", "from app.api import (\n    ")
        .replace(", users\n", ", users,\n)\n")
    )
    before = _snapshot(ws)
    with pytest.raises(VibecodeError, match="layout is not the template's"):
        new_feature(ws, "product", ["name:str"], owned=False)
    assert _snapshot(ws) == before


def test_owned_needs_a_step_with_logged_in_users(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, step=8)
    before = _snapshot(ws)
    with pytest.raises(VibecodeError, match=r"--owned` needs the logged-in user \(step 10 on\)"):
        new_feature(ws, "product", ["name:str"], owned=True)
    assert _snapshot(ws) == before


@pytest.mark.parametrize(
    ("name", "fields", "message"),
    [
        ("Product", [], "singular snake case"),
        ("product", ["price"], "write FIELD:TYPE"),
        ("product", ["price:money"], "TYPE is one of"),
        ("product", ["id:int"], "made by the generator"),
        ("product", ["a:str", "a:int"], "given twice"),
        ("product", ["a:str?"], "at least one required field"),
        ("user", [], "taken by the app"),
    ],
)
def test_bad_arguments_are_one_line(name: str, fields: list[str], message: str) -> None:
    with pytest.raises(VibecodeError, match=message):
        new_feature(Path("/nonexistent"), name, fields, owned=False)


@pytest.mark.e2e
def test_the_cli_says_what_it_wrote_and_refuses_in_one_line(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    command = [sys.executable, "-m", "vibecode", "new", "feature", "gadget", "label:str"]
    first = subprocess.run([*command, "-w", str(ws)], capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    assert "  wrote app/api/gadgets.py" in first.stdout
    again = subprocess.run([*command, "-w", str(ws)], capture_output=True, text=True, timeout=60)
    assert again.returncode == 2
    assert "never overwrites a file" in again.stderr
    assert "Traceback" not in again.stderr


@pytest.mark.e2e
@pytest.mark.parametrize(("step", "owned"), [(5, False), (10, True)])
def test_the_first_steps_that_can_have_it_pass_too(step: int, owned: bool, tmp_path: Path) -> None:
    from vibecode.proof.review import rules_not_yet_taught

    ws = _workspace(tmp_path, step=step)
    made = new_feature(ws, "blog_entry", ["title:str", "rank:int", "when:datetime?"], owned=owned)
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", made.test_file, "tests/test_migrations.py", "-q"],
        cwd=ws,
        env=_env(ws),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert tests.returncode == 0, tests.stdout[-3000:]
    result = review(ws, skip=rules_not_yet_taught(load_course(STEPS), step))
    assert result.ok, [f"{f.path}:{f.line} {f.rule} {f.message}" for f in result.findings]


def test_a_step_without_alembic_is_refused(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, step=4)
    before = _snapshot(ws)
    with pytest.raises(VibecodeError, match=r"no Alembic migrations yet \(step 5 on\)"):
        new_feature(ws, "product", ["name:str"], owned=False)
    assert _snapshot(ws) == before


@pytest.mark.e2e
@pytest.mark.parametrize(("name", "owned"), [("gadget", False), ("widget", True)])
def test_the_generated_code_passes_ruff_and_mypy_strict(
    name: str, owned: bool, tmp_path: Path
) -> None:
    ws = _workspace(tmp_path)
    fields = ["label:str", "body:text", "count:int", "ratio:float?", "on:bool", "at:datetime?"]
    made = new_feature(ws, name, fields, owned=owned)
    ruff = [sys.executable, "-m", "ruff", "check", "--isolated", "--line-length", "100"]
    ruff += ["--select", "E,F,W,I,B,UP,SIM,RUF,ASYNC,T20", "--ignore", "B008"]
    linted = subprocess.run([*ruff, *made.written], cwd=ws, capture_output=True, text=True)
    assert linted.returncode == 0, linted.stdout
    config = tmp_path / "mypy.ini"
    config.write_text(
        f"[mypy]\nstrict = True\nplugins = pydantic.mypy\ncache_dir = {tmp_path / 'cache'}\n",
        encoding="utf-8",
    )
    typed = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(config), *made.written],
        cwd=ws,
        env=_env(ws) | {"MYPYPATH": str(ws)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert typed.returncode == 0, typed.stdout
