"""The course is below the workspace engine: it never imports it (issue 16.5's cycle went
through a private name of course.manifest, imported inside a workspace function)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "vibecode"
BELOW_EVERYTHING = ("vibecode/atomic.py", "vibecode/paths.py", "vibecode/errors.py")


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at module level or inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_the_course_never_imports_the_workspace() -> None:
    for path in sorted((PACKAGE / "course").glob("*.py")):
        bad = sorted(name for name in _imports(path) if name.startswith("vibecode.workspace"))
        assert not bad, f"{path.name} imports {bad}"


def test_the_neutral_modules_import_neither() -> None:
    for relative in BELOW_EVERYTHING:
        names = _imports(PACKAGE.parent / relative)
        bad = sorted(n for n in names if n.startswith(("vibecode.course", "vibecode.workspace")))
        assert not bad, f"{relative} imports {bad}"


def test_no_private_names_cross_the_packages() -> None:
    for path in sorted((PACKAGE / "workspace").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "vibecode.course"
            ):
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private, f"{path.name} imports {private} from {node.module}"
