"""Rules on what the project's code builds when it runs: its tables, routes and OpenAPI document.

The facts come from `probe.py` (run in a subprocess); the source lines from the syntax trees.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vibecode.review.project import Project
from vibecode.review.rules import Finding
from vibecode.review.source_rules import class_field_line
from vibecode.review.syntax import string_constants

_PARAMETER = re.compile(r"\{[^}]*\}")
_METHODS = ("get", "post", "put", "patch", "delete")


def table_findings(project: Project, tables: list[dict[str, Any]]) -> list[Finding]:
    """VC201, VC202, VC203 on every mapped table; VC402 against the revisions."""
    found: list[Finding] = []
    created = _created_tables(project)
    for table in tables:
        where, line = _class_place(project, table)
        columns = {column["name"]: column for column in table["columns"]}
        primary = [c for c in table["columns"] if c["primary_key"]]
        if [c["name"] for c in primary] != ["id"] or not columns["id"]["integer"]:
            found.append(Finding("VC201", where, line, table["name"]))
        public = columns.get("public_id")
        wrong = _public_id_problems(public)
        if wrong:
            at = _field_line(project, table, "public_id", (where, line))
            found.append(Finding("VC202", *at, f"{table['name']}.public_id {wrong}"))
        for column in table["columns"]:
            for key in column["foreign_keys"]:
                if key["column"] == "public_id":
                    at = _field_line(project, table, column["key"], (where, line))
                    target = f"{key['table']}.{key['column']}"
                    found.append(
                        Finding("VC203", *at, f"{table['name']}.{column['name']} -> {target}")
                    )
        if project.versions_dir is not None and table["name"] not in created:
            found.append(Finding("VC402", where, line, table["name"]))
    return found


def _public_id_problems(column: dict[str, Any] | None) -> str:
    if column is None:
        return "is missing"
    wrong = [
        what
        for what, ok in (
            ("a UUID", column["uuid"]),
            ("unique", column["unique"]),
            ("indexed", column["indexed"]),
            ("not null", not column["nullable"]),
        )
        if not ok
    ]
    return "is not " + ", ".join(wrong) if wrong else ""


def _class_place(project: Project, table: dict[str, Any]) -> tuple[str, int]:
    return project.relative(table["file"]) if table["file"] else "app/models", table["line"]


def _field_line(
    project: Project, table: dict[str, Any], field: str, fallback: tuple[str, int]
) -> tuple[str, int]:
    if not table["file"]:
        return fallback
    where, line = class_field_line(project, [Path(table["file"])], table["class"], field)
    return (where, line) if line else fallback


def _created_tables(project: Project) -> set[str]:
    names: set[str] = set()
    for path in project.migration_files():
        tree = project.tree(path)
        for node in ast.walk(tree) if tree is not None else ():
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "create_table"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                names.add(str(node.args[0].value))
    return names


def openapi_findings(
    project: Project, document: dict[str, Any], routes: list[dict[str, Any]]
) -> list[Finding]:
    """VC204 (integer ids in responses) and VC205 (integer path ids) on the real document."""
    found: list[Finding] = []
    schemas = document.get("components", {}).get("schemas", {})
    places = {(r["path"], m.lower()): r for r in routes for m in r["methods"]}
    seen: set[tuple[str, str]] = set()
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in _METHODS:
                continue
            route = places.get((path, method))
            where: tuple[str, int] = (
                (project.relative(route["file"]), int(route["line"])) if route else ("app", 0)
            )
            for parameter in operation.get("parameters", []):
                name, place = str(parameter.get("name", "")), parameter.get("in")
                # Any integer in the path; in the query, the ones named as ids (`?owner_id=3`).
                named_id = name == "id" or name.endswith("_id")
                if (place == "path" or (place == "query" and named_id)) and _is_integer(
                    parameter.get("schema", {})
                ):
                    detail = f"{method.upper()} {path} takes {name} as an integer"
                    found.append(Finding("VC205", *where, detail))
            for code, response in operation.get("responses", {}).items():
                if not str(code).startswith("2"):
                    continue
                for media in response.get("content", {}).values():
                    for owner, field in _integer_ids(media.get("schema", {}), schemas, None, set()):
                        if (owner, field) in seen:
                            continue
                        seen.add((owner, field))
                        at = class_field_line(project, project.app_files(), owner, field)
                        at = at if at[1] else where
                        found.append(
                            Finding("VC204", *at, f"{owner}.{field} in {method.upper()} {path}")
                        )
    return found


def _is_integer(schema: dict[str, Any]) -> bool:
    if schema.get("type") == "integer":
        return True
    return any(_is_integer(s) for key in ("anyOf", "oneOf", "allOf") for s in schema.get(key, []))


def _integer_ids(
    schema: dict[str, Any], schemas: dict[str, Any], owner: str | None, visited: set[str]
) -> Iterator[tuple[str, str]]:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        if name in visited:
            return
        visited.add(name)
        yield from _integer_ids(schemas.get(name, {}), schemas, name, visited)
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for part in schema.get(key, []):
            yield from _integer_ids(part, schemas, owner, visited)
    if "items" in schema:
        yield from _integer_ids(schema["items"], schemas, owner, visited)
    for field, sub in schema.get("properties", {}).items():
        if (field == "id" or field.endswith("_id")) and _is_integer(sub):
            yield owner or schema.get("title", "response"), field
        yield from _integer_ids(sub, schemas, owner, visited)


def test_findings(
    project: Project, routes: list[dict[str, Any]], document: dict[str, Any]
) -> list[Finding]:
    """VC501 (a router no test calls) and VC502 (no test reads an item back by its public id)."""
    strings = _test_strings(project)
    uuid_paths = _uuid_get_paths(document)
    by_file: dict[str, list[dict[str, Any]]] = {}
    for route in routes:
        if route["file"] and Path(route["file"]).resolve().is_relative_to(project.app_dir):
            by_file.setdefault(project.relative(route["file"]), []).append(route)
    found: list[Finding] = []
    for where, own in sorted(by_file.items()):
        first = min(route["line"] for route in own)
        statics = {_static(route["path"]) for route in own}
        if not any(s.startswith(prefix) for s in strings for prefix in statics):
            found.append(Finding("VC501", where, first, f"no test calls {sorted(statics)[0]}"))
            continue
        lookups = [r for r in own if r["path"] in uuid_paths and "GET" in r["methods"]]
        if lookups and not any(_looks_up(r["path"], strings) for r in lookups):
            route = lookups[0]
            found.append(Finding("VC502", where, route["line"], f"GET {route['path']}"))
    return found


def _static(path: str) -> str:
    """The part of a route's path before its first parameter ("/posts/{id}" -> "/posts/")."""
    head = path.split("{", 1)[0]
    return head if head != "/" or path == "/" else path


def _looks_up(path: str, strings: set[str]) -> bool:
    pattern = _PARAMETER.sub("{}", path)
    return any(s == pattern or s.startswith(pattern + "?") for s in strings)


def _uuid_get_paths(document: dict[str, Any]) -> set[str]:
    paths = set()
    for path, operations in document.get("paths", {}).items():
        for parameter in operations.get("get", {}).get("parameters", []):
            if (
                parameter.get("in") == "path"
                and parameter.get("schema", {}).get("format") == "uuid"
            ):
                paths.add(path)
    return paths


def _test_strings(project: Project) -> set[str]:
    """Every string the tests write, an f-string's values as `{}`: "/posts/{}".

    A module-level string constant inside an f-string is read as its value
    (`URL = "/posts"` ... `f"{URL}/{post['id']}"` is "/posts/{}").
    """
    strings: set[str] = set()
    for path in project.test_files():
        tree = project.tree(path)
        if tree is None:
            continue
        constants = {k: v for k, v in string_constants(tree.body).items() if v is not None}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                strings.add(node.value)
            elif isinstance(node, ast.JoinedStr):
                strings.add("".join(_part(part, constants) for part in node.values))
    return {s for s in strings if s.startswith("/")}


def _part(part: ast.expr, constants: dict[str, str]) -> str:
    if isinstance(part, ast.Constant):
        return str(part.value)
    if (
        isinstance(part, ast.FormattedValue)
        and isinstance(part.value, ast.Name)
        and part.value.id in constants
        and part.format_spec is None
    ):
        return constants[part.value.id]
    return "{}"
