"""The two one-line registrations of a new feature: its model and its router.

Not a template: these files are the attendee's. Each edit inserts one line (and extends one
import or `__all__` line) at a place the syntax tree shows; a layout it does not recognise is
refused with the lines to add by hand, and the result must parse.
"""

from __future__ import annotations

import ast

from vibecode.errors import VibecodeError


def _one_line(node: ast.stmt) -> bool:
    return node.end_lineno == node.lineno


def _parse(text: str, where: str) -> ast.Module:
    try:
        return ast.parse(text)
    except SyntaxError as error:
        raise VibecodeError(f"{where} does not parse (line {error.lineno}): fix it first") from None


def _checked(text: str, where: str) -> str:
    _parse(text, where)
    return text


def register_model(text: str, module: str, cls: str) -> str:
    """app/models/__init__.py with `from app.models.<module> import <cls>` (and in `__all__`)."""
    where = "app/models/__init__.py"
    by_hand = f"add `from app.models.{module} import {cls}` to {where} yourself"
    tree = _parse(text, where)
    imports = [
        node
        for node in tree.body
        if isinstance(node, ast.ImportFrom)
        and (node.module or "").startswith("app.models.")
        and _one_line(node)
    ]
    if not imports:
        raise VibecodeError(f"{where} has no `from app.models.X import Y` line", hint=by_hand)
    lines = text.splitlines(keepends=True)
    new_module = f"app.models.{module}"
    after = [node for node in imports if (node.module or "") > new_module]
    at = after[0].lineno - 1 if after else imports[-1].lineno
    lines.insert(at, f"from {new_module} import {cls}\n")
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == [
            "__all__"
        ]:
            names = node.value.elts if isinstance(node.value, ast.List | ast.Tuple) else None
            if (
                names is None
                or not _one_line(node)
                or not all(isinstance(n, ast.Constant) for n in names)
            ):
                raise VibecodeError(f"{where}: `__all__` is not a one-line list", hint=by_hand)
            entries = sorted({str(n.value) for n in names if isinstance(n, ast.Constant)} | {cls})
            index = node.lineno - 1 + (1 if node.lineno > at else 0)
            lines[index] = "__all__ = [" + ", ".join(f'"{name}"' for name in entries) + "]\n"
    return _checked("".join(lines), where)


def register_router(text: str, module: str) -> str:
    """app/main.py with `<module>` in `from app.api import ...` and its `include_router` line."""
    where = "app/main.py"
    by_hand = (
        f"add `from app.api import {module}` and `app.include_router({module}.router)` "
        f"to {where} yourself"
    )
    tree = _parse(text, where)
    imports = [
        node
        for node in tree.body
        if isinstance(node, ast.ImportFrom)
        and node.module == "app.api"
        and node.level == 0
        and _one_line(node)
        and all(alias.asname is None for alias in node.names)
    ]
    scopes: list[list[ast.stmt]] = [tree.body]
    scopes += [node.body for node in tree.body if isinstance(node, ast.FunctionDef)]
    includes = [
        statement
        for body in scopes
        for statement in body
        if _is_include(statement) and _one_line(statement)
    ]
    if len(imports) != 1 or not includes:
        raise VibecodeError(
            f"{where}: its layout is not the template's (one `from app.api import ...` line "
            "and `app.include_router(x.router)` lines)",
            hint=by_hand,
        )
    (line_import,) = imports
    names = sorted({alias.name for alias in line_import.names} | {module})
    last = max(includes, key=lambda node: node.lineno)
    lines = text.splitlines(keepends=True)
    indent = " " * last.col_offset
    lines.insert(last.lineno, f"{indent}app.include_router({module}.router)\n")
    lines[line_import.lineno - 1] = f"from app.api import {', '.join(names)}\n"
    return _checked("".join(lines), where)


def _is_include(statement: ast.stmt) -> bool:
    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
        return False
    call = statement.value
    return (
        isinstance(call.func, ast.Attribute)
        and call.func.attr == "include_router"
        and isinstance(call.func.value, ast.Name)
        and call.func.value.id == "app"
        and len(call.args) == 1
        and isinstance(call.args[0], ast.Attribute)
        and call.args[0].attr == "router"
    )
