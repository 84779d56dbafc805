"""The rules no well-kept tool covers, read from the syntax tree of the project's modules."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from vibecode.review.project import Project
from vibecode.review.rules import Finding
from vibecode.review.syntax import assignment

# Synchronous SQLAlchemy names, by the module they are imported from.
_SYNC_NAMES = {
    "sqlalchemy": {"create_engine", "engine_from_config"},
    "sqlalchemy.engine": {"create_engine", "engine_from_config"},
    "sqlalchemy.orm": {"Session", "sessionmaker", "scoped_session"},
}
_LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "log"}
)
_SECRET = re.compile(r"passw|secret|token|api_?key|credential", re.IGNORECASE)
# Words that name something about a secret without being one.
_NOT_SECRET = re.compile(r"hash|_len|length|count|expire|type|_id$|^is_|^has_", re.IGNORECASE)
_HTTP_NAMES = frozenset({"HTTPException", "JSONResponse", "Response", "PlainTextResponse"})


def source_findings(project: Project) -> list[Finding]:
    """VC101, VC102, VC302, VC303 on the app's modules; VC304 on the app as a whole."""
    found: list[Finding] = []
    handler = False
    unreadable = False
    for path in project.app_files():
        tree = project.tree(path)
        where = project.relative(path)
        if tree is None:
            line, message = project.parse_error(path) or (1, "does not parse")
            found.append(Finding("VC901", where, line, f"does not parse: {message}"))
            unreadable = True  # the handler may be in there: VC304 cannot be judged
            continue
        found += [Finding("VC101", where, line, detail) for line, detail in _sync_sqlalchemy(tree)]
        found += [Finding("VC102", where, line) for line in _session_query(tree)]
        found += [Finding("VC302", where, line, d) for line, d in _exception_in_5xx(tree)]
        found += [Finding("VC303", where, line, d) for line, d in _secrets_logged(tree)]
        handler = handler or _registers_exception_handler(tree)
    main = project.app_dir / "main.py"
    if main.is_file() and not handler and not unreadable:
        found.append(Finding("VC304", project.relative(main), _app_line(project.tree(main))))
    return found


def _sync_sqlalchemy(tree: ast.Module) -> Iterator[tuple[int, str]]:
    imported: dict[str, str] = {}  # local name -> what it is
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in _SYNC_NAMES:
            for alias in node.names:
                if alias.name in _SYNC_NAMES[node.module]:
                    imported[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    annotated = {id(n) for annotation in _annotations(tree) for n in ast.walk(annotation)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in imported:
                yield node.lineno, imported[func.id]
            elif (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id in {"sqlalchemy", "sa"}
                and func.attr in _SYNC_NAMES["sqlalchemy"]
            ):
                yield node.lineno, f"sqlalchemy.{func.attr}"
        elif (
            # `session: Session` in a signature: a synchronous session handed around.
            isinstance(node, ast.Name)
            and imported.get(node.id) == "sqlalchemy.orm.Session"
            and id(node) in annotated
        ):
            yield node.lineno, "sqlalchemy.orm.Session"


def _annotations(tree: ast.Module) -> Iterator[ast.expr]:
    for node in ast.walk(tree):
        if isinstance(node, ast.arg | ast.AnnAssign) and node.annotation is not None:
            yield node.annotation
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns:
            yield node.returns


def _session_query(tree: ast.Module) -> Iterator[int]:
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "query"
            and re.search(r"session|db", _dotted(node.func.value), re.IGNORECASE)
        ):
            yield node.lineno


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return _dotted(node.func)
    return ""


def _exception_in_5xx(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """An error answer with a 5xx status whose content uses a caught exception."""
    for scope, names in _exception_scopes(tree):
        for node in ast.walk(scope):
            if not (
                isinstance(node, ast.Call) and _dotted(node.func).split(".")[-1] in _HTTP_NAMES
            ):
                continue
            if not _is_5xx(node):
                continue
            content = [arg for arg in node.args[1:]] + [
                kw.value for kw in node.keywords if kw.arg in {"detail", "content", "body"}
            ]
            for part in content:
                used = {n.id for n in ast.walk(part) if isinstance(n, ast.Name)} & names
                if used:
                    yield node.lineno, f"uses `{sorted(used)[0]}`"
                    break


def _exception_scopes(tree: ast.Module) -> Iterator[tuple[ast.AST, set[str]]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.ExceptHandler) and node.name:
            yield node, {node.name}
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            # An exception handler: `async def handler(request, exc: Exception)`.
            names = {
                arg.arg
                for arg in node.args.args
                if arg.annotation is not None
                and re.search(r"(Exception|Error)$", _dotted(arg.annotation))
            }
            if names:
                yield node, names


def _is_5xx(call: ast.Call) -> bool:
    status: ast.expr | None = call.args[0] if call.args else None
    for keyword in call.keywords:
        if keyword.arg == "status_code":
            status = keyword.value
    if isinstance(status, ast.Constant) and isinstance(status.value, int):
        return 500 <= status.value <= 599
    return isinstance(status, ast.Attribute) and status.attr.startswith("HTTP_5")


def _secrets_logged(tree: ast.Module) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _LOG_METHODS
            and re.search(r"(^|\.|_)(log|logger|logging)$", _dotted(node.func.value), re.I)
        ):
            continue
        # The message text may name a secret ("password changed"); the values passed may not.
        values: list[ast.expr] = [*node.args[1:], *(kw.value for kw in node.keywords)]
        if node.args and isinstance(node.args[0], ast.JoinedStr):
            values += [
                part.value for part in node.args[0].values if isinstance(part, ast.FormattedValue)
            ]
        for value in values:
            name = _secret_name(value)
            if name:
                yield node.lineno, f"`{name}`"
                break


def _secret_name(value: ast.expr) -> str | None:
    for node in ast.walk(value):
        names: list[str] = []
        if isinstance(node, ast.Name):
            names.append(node.id)
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
        elif isinstance(node, ast.Dict):
            names += [
                k.value
                for k in node.keys
                if isinstance(k, ast.Constant) and isinstance(k.value, str)
            ]
        for name in names:
            if _SECRET.search(name) and not _NOT_SECRET.search(name):
                return name
    return None


def _registers_exception_handler(tree: ast.Module) -> bool:
    """`add_exception_handler(Exception, ...)` or `@app.exception_handler(Exception)` (or 500)."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and _dotted(node.func).split(".")[-1] in {"add_exception_handler", "exception_handler"}
            and node.args
        ):
            first = node.args[0]
            if (isinstance(first, ast.Name) and first.id == "Exception") or (
                isinstance(first, ast.Constant) and first.value == 500
            ):
                return True
    return False


def _app_line(tree: ast.Module | None) -> int:
    """Where the app is made: `FastAPI(...)`, else line 1."""
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.Call) and _dotted(node.func).split(".")[-1] == "FastAPI":
            return node.lineno
    return 1


def class_field_line(project: Project, files: list[Path], cls: str, field: str) -> tuple[str, int]:
    """Where `class cls` declares `field` (or the class line), in the first file that has it."""
    for path in files:
        tree = project.tree(path)
        for node in ast.walk(tree) if tree is not None else ():
            if isinstance(node, ast.ClassDef) and node.name == cls:
                for item in node.body:
                    pair = assignment(item)
                    if pair is not None and pair[0] == field:
                        return project.relative(path), item.lineno
                return project.relative(path), node.lineno
    return "app", 0
