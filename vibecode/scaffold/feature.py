"""`new_feature(ws, name, fields, owned=)`: the template's feature guide, written at once.

Model, Alembic revision, schemas, service, router and tests from Jinja2 templates (package data
in templates/), the router and model registered in the app's two lists. Everything is checked
before anything is written: no file is ever overwritten, and a layout the generator does not
recognise is refused with one line.
"""

from __future__ import annotations

import ast
import contextlib
import datetime
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from vibecode.errors import VibecodeError
from vibecode.review.syntax import string_constants
from vibecode.scaffold.register import register_model, register_router
from vibecode.scaffold.spec import FeatureSpec, parse_feature

# What the generated code uses, and the step of the built-in course that brings it.
_NEEDS = (
    ("app/models/base.py", "IdentifierMixin", "the id + public_id mixin (step 4 on)"),
    ("app/models/user.py", "User", "the User model (step 4 on)"),
    ("app/api/deps.py", "SessionDep", "the session dependency (step 3 on)"),
    ("tests/conftest.py", "client", "the tests' client fixture (step 1 on)"),
)
_OWNED_NEEDS = (
    ("app/api/deps.py", "CurrentUser", "the logged-in user (step 10 on)"),
    ("tests/conftest.py", "new_account", "the tests' new_account fixture (step 10 on)"),
    ("tests/helpers.py", "Account", "the tests' Account helper (step 10 on)"),
)


@dataclass(frozen=True)
class Made:
    """What `new_feature` did."""

    spec: FeatureSpec
    written: tuple[str, ...]
    registered: str
    test_file: str
    seconds: float


def new_feature(ws: Path, name: str, fields: list[str], *, owned: bool) -> Made:
    """Write a whole feature into the workspace (or project) `ws`."""
    started = time.monotonic()
    spec = parse_feature(name, fields, owned=owned)
    if not (ws / "app").is_dir():
        raise VibecodeError(
            f"{ws} has no app/ package",
            hint="run it in a workspace at a step with users (`vibecode goto 10`) or pass -w",
        )
    _require(ws, _NEEDS + (_OWNED_NEEDS if owned else ()), owned=owned)
    versions = ws / "app" / "alembic" / "versions"
    if not versions.is_dir() or not (ws / "alembic.ini").is_file():
        raise VibecodeError("the workspace has no Alembic migrations yet (step 5 on)")
    revision, down = _next_revision(versions, spec.plural)
    files = {
        f"app/models/{spec.name}.py": "model.py.j2",
        f"app/alembic/versions/{revision}.py": "migration.py.j2",
        f"app/schemas/{spec.name}.py": "schemas.py.j2",
        f"app/services/{spec.name}_service.py": "service.py.j2",
        f"app/api/{spec.plural}.py": "router.py.j2",
        f"tests/test_{spec.plural}.py": "test.py.j2",
    }
    existing = [path for path in files if (ws / path).exists()]
    if existing:
        raise VibecodeError(
            f"{', '.join(existing)} already exist{'s' if len(existing) == 1 else ''}: "
            "`vibecode new` never overwrites a file (remove it, or choose another name)"
        )
    main, models = ws / "app" / "main.py", ws / "app" / "models" / "__init__.py"
    registered: dict[Path, str] = {
        main: register_router(_read(main), spec.plural),
        models: register_model(_read(models), spec.name, spec.cls),
    }
    rendered = _render(files, spec, revision=revision, down_revision=down)
    with _locked(ws):
        for name, text in rendered.items():
            target = ws / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("x", encoding="utf-8") as file:  # "x": never over a file
                file.write(text)
        _format(ws, list(rendered))
        from vibecode.atomic import atomic_write

        for registry, text in registered.items():
            atomic_write(registry, text.encode("utf-8"))
    return Made(
        spec=spec,
        written=tuple(rendered),
        registered="app/main.py, app/models/__init__.py",
        test_file=f"tests/test_{spec.plural}.py",
        seconds=time.monotonic() - started,
    )


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise VibecodeError(
            f"{path.name} is missing: the app's layout is not the template's"
        ) from None


def _require(ws: Path, needs: tuple[tuple[str, str, str], ...], *, owned: bool) -> None:
    for path, name, what in needs:
        file = ws / path
        text = file.read_text(encoding="utf-8") if file.is_file() else ""
        if not re.search(rf"\b{name}\b", text):
            flag = " --owned" if owned and (path, name, what) in _OWNED_NEEDS else ""
            raise VibecodeError(
                f"`vibecode new feature{flag}` needs {what}: {path} has no `{name}`",
                hint="move the workspace to a later step, e.g. `vibecode goto 10`",
            )


def _next_revision(versions: Path, plural: str) -> tuple[str, str | None]:
    """The new revision's id and the current head (None for the first revision)."""
    revisions: dict[str, str | None] = {}
    for path in sorted(versions.glob("*.py")):
        values = _module_strings(path)
        if "revision" in values:
            revisions[str(values["revision"])] = values.get("down_revision")
    parents = set(revisions.values())
    heads = [revision for revision in revisions if revision not in parents]
    if len(heads) > 1:
        raise VibecodeError(
            f"the migrations have {len(heads)} heads ({', '.join(sorted(heads))})",
            hint="merge them first: `alembic merge heads`",
        )
    numbered = [int(r[:4]) for r in revisions if re.match(r"^\d{4}_", r)]
    if len(numbered) == len(revisions):
        revision = f"{max(numbered, default=0) + 1:04d}_{plural}"
    else:
        revision = uuid.uuid4().hex[:12]
    return revision, (heads[0] if heads else None)


def _module_strings(path: Path) -> dict[str, str | None]:
    try:
        tree = ast.parse(path.read_bytes())
    except SyntaxError:
        raise VibecodeError(f"{path.name} does not parse: fix the migration first") from None
    return string_constants(tree.body)


def _render(
    files: dict[str, str], spec: FeatureSpec, *, revision: str, down_revision: str | None
) -> dict[str, str]:
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("vibecode.scaffold", "templates"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # Python source, not HTML
    )
    sa_names = sorted(
        {re.sub(r"\(.*", "", field.type.column) for field in spec.fields}
        | ({"ForeignKey"} if spec.owned else set())
    )
    context = {
        "spec": spec,
        "revision": revision,
        "down_revision": down_revision,
        "today": datetime.date.today().isoformat(),
        "sa_names": sa_names,
    }
    return {path: environment.get_template(name).render(context) for path, name in files.items()}


def _format(ws: Path, paths: list[str]) -> None:
    """ruff's import sorting and formatter on the new files only: readable templates, tidy output.

    The imports depend on the feature's name (`app.models.widget` sorts after `app.models.user`),
    so ruff orders them rather than the templates.
    """
    ruff = [sys.executable, "-m", "ruff"]
    options = ["--isolated", "--line-length", "100", "-q"]
    for args in (["check", "--select", "I", "--fix", "--exit-zero"], ["format"]):
        subprocess.run(
            [*ruff, *args, *options, *paths],
            cwd=ws,
            check=False,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=30,
        )


@contextlib.contextmanager
def _locked(ws: Path) -> Iterator[None]:
    """The workspace lock when `ws` is a workspace (a `goto` must not run meanwhile)."""
    from vibecode.paths import state_file

    if not state_file(ws).is_file():
        yield
        return
    from vibecode.workspace.lock import workspace_lock

    with workspace_lock(ws):
        yield
