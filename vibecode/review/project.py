"""A project laid out like the template: `app/` (api, models, ...), `tests/`, `alembic.ini`."""

from __future__ import annotations

import ast
import configparser
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from vibecode.errors import VibecodeError

# Never reviewed: virtual environments, caches, the tool's own state.
_SKIPPED_DIRS = frozenset({".venv", "venv", "__pycache__", ".vibecode", ".git", "node_modules"})


@dataclass
class Project:
    """The files of one project and their syntax trees, parsed once."""

    root: Path
    _trees: dict[Path, ast.Module | None] = field(default_factory=dict, repr=False)
    _errors: dict[Path, tuple[int, str]] = field(default_factory=dict, repr=False)

    @classmethod
    def at(cls, root: Path) -> Project:
        """The project at `root`; refuses a folder that is not laid out like the template."""
        root = root.resolve()
        if not root.is_dir():
            raise VibecodeError(f"{root} is not a folder: give a workspace or a project folder")
        if not (root / "app").is_dir():
            raise VibecodeError(
                f"{root} has no app/ package: review a workspace or a project laid out like the "
                "template (app/, tests/, alembic.ini)"
            )
        return cls(root)

    @property
    def app_dir(self) -> Path:
        """The application package."""
        return self.root / "app"

    @property
    def tests_dir(self) -> Path:
        """The tests folder."""
        return self.root / "tests"

    @cached_property
    def versions_dir(self) -> Path | None:
        """Alembic's versions folder, from alembic.ini's script_location (None without one)."""
        ini = self.root / "alembic.ini"
        if not ini.is_file():
            return None
        parser = configparser.ConfigParser(defaults={"here": str(self.root)})
        try:
            parser.read(ini, encoding="utf-8")
            location = parser.get("alembic", "script_location")
        except (configparser.Error, UnicodeDecodeError):
            return None
        return (self.root / location).resolve() / "versions"

    def relative(self, path: Path | str) -> str:
        """`path` relative to the root, as a finding names it."""
        resolved = Path(path).resolve()
        try:
            return resolved.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def python_files(self, folder: Path) -> list[Path]:
        """The .py files under `folder`, sorted, outside virtual environments and caches."""
        if not folder.is_dir():
            return []
        return sorted(
            path
            for path in folder.rglob("*.py")
            if not _SKIPPED_DIRS.intersection(path.relative_to(self.root).parts)
        )

    def app_files(self) -> list[Path]:
        """The app's own modules, without its migrations (they run synchronously on purpose)."""
        versions = self.versions_dir
        migrations = versions.parent if versions is not None else None
        return [
            path
            for path in self.python_files(self.app_dir)
            if migrations is None or not path.is_relative_to(migrations)
        ]

    def test_files(self) -> list[Path]:
        """The test modules and their helpers."""
        return self.python_files(self.tests_dir)

    def migration_files(self) -> list[Path]:
        """The Alembic revisions."""
        versions = self.versions_dir
        return self.python_files(versions) if versions is not None else []

    def tree(self, path: Path) -> ast.Module | None:
        """The syntax tree of `path` (None when it does not parse: see `parse_error`)."""
        if path not in self._trees:
            try:
                self._trees[path] = ast.parse(path.read_bytes(), filename=str(path))
            except SyntaxError as error:
                self._trees[path] = None
                self._errors[path] = (error.lineno or 1, error.msg)
            except (ValueError, OSError) as error:
                self._trees[path] = None
                self._errors[path] = (1, str(error))
        return self._trees[path]

    def parse_error(self, path: Path) -> tuple[int, str] | None:
        """(line, message) when `path` does not parse."""
        self.tree(path)
        return self._errors.get(path)
