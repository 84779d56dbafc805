"""Run inside the project's own interpreter setup: its tables, routes and real OpenAPI document.

`python -m vibecode.review.probe OUT.json` with cwd and PYTHONPATH at the project; the tool never
imports the project's `app` itself. Only the standard library is imported at module level here.
"""

from __future__ import annotations

import importlib
import inspect
import json
import sys
import traceback
import uuid
from pathlib import Path
from typing import Any


def _location(obj: Any) -> tuple[str, int]:
    try:
        file = inspect.getsourcefile(obj) or ""
        line = inspect.getsourcelines(obj)[1]
    except (OSError, TypeError):
        return "", 0
    return file, line


def _column(column: Any, table: Any) -> dict[str, Any]:
    from sqlalchemy import Index, UniqueConstraint

    try:
        python_type = column.type.python_type
    except NotImplementedError:
        python_type = None
    alone = [column.name]
    unique = bool(column.unique) or any(
        isinstance(c, UniqueConstraint) and [x.name for x in c.columns] == alone
        for c in table.constraints
    )
    unique_index = any(
        isinstance(i, Index) and i.unique and [x.name for x in i.columns] == alone
        for i in table.indexes
    )
    indexed = bool(column.index) or any(
        isinstance(i, Index) and [x.name for x in i.columns][:1] == alone for i in table.indexes
    )
    return {
        "name": column.name,
        "key": column.key,
        "primary_key": bool(column.primary_key),
        "nullable": bool(column.nullable),
        "integer": python_type is int,
        "uuid": python_type is uuid.UUID,
        "unique": unique or unique_index,
        # A unique constraint is backed by an index on PostgreSQL and SQLite alike.
        "indexed": indexed or unique,
        "foreign_keys": [
            {"table": fk.column.table.name, "column": fk.column.name} for fk in column.foreign_keys
        ],
    }


def _tables() -> list[dict[str, Any]]:
    from sqlalchemy.orm import registry

    models = importlib.import_module("app.models")
    registries: list[Any] = []
    for value in vars(models).values():
        candidate = getattr(value, "registry", None)
        if isinstance(candidate, registry) and candidate not in registries:
            registries.append(candidate)
    tables = []
    for reg in registries:
        for mapper in sorted(reg.mappers, key=lambda m: m.class_.__name__):
            table = mapper.local_table
            if table is None or not hasattr(table, "columns"):
                continue
            file, line = _location(mapper.class_)
            tables.append(
                {
                    "name": table.name,
                    "class": mapper.class_.__name__,
                    "file": file,
                    "line": line,
                    "columns": [_column(column, table) for column in table.columns],
                }
            )
    return tables


def _app() -> Any:
    main = importlib.import_module("app.main")
    app = getattr(main, "app", None)
    if app is None and callable(getattr(main, "create_app", None)):
        app = main.create_app()
    return app


def _routes(app: Any) -> list[dict[str, Any]]:
    from fastapi import routing

    # Newer FastAPI keeps included routers lazily; iter_route_contexts flattens them.
    flatten = getattr(routing, "iter_route_contexts", None)
    found = flatten(app.router.routes) if flatten is not None else app.routes
    routes = []
    for route in found:
        if not isinstance(getattr(route, "route", route), routing.APIRoute):
            continue
        file, line = _location(route.endpoint)
        routes.append(
            {
                "path": route.path,
                "methods": sorted(route.methods),
                "name": route.name,
                "file": file,
                "line": line,
            }
        )
    return routes


def probe() -> dict[str, Any]:
    """What the review needs from the running code; each part reports its own failure."""
    result: dict[str, Any] = {"errors": {}, "tables": []}
    try:
        if Path("app/models").is_dir() or Path("app/models.py").is_file():
            result["tables"] = _tables()
    except Exception:
        result["errors"]["tables"] = traceback.format_exc(limit=3).strip().splitlines()[-1]
    if Path("app/main.py").is_file():
        try:
            app = _app()
            result["openapi"] = app.openapi()
            result["routes"] = _routes(app)
        except Exception:
            result["errors"]["openapi"] = traceback.format_exc(limit=3).strip().splitlines()[-1]
    return result


def main() -> None:
    """Write the probe's JSON to the file named on the command line."""
    data = probe()
    Path(sys.argv[1]).write_text(json.dumps(data, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
