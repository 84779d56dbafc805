"""Small readings of syntax trees that the review and the scaffold share."""

from __future__ import annotations

import ast


def assignment(node: ast.stmt) -> tuple[str, ast.expr | None] | None:
    """`name = value` / `name: T = value` as (name, value); None for any other statement."""
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return node.target.id, node.value
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
        if isinstance(target, ast.Name):
            return target.id, node.value
    return None


def string_constants(body: list[ast.stmt]) -> dict[str, str | None]:
    """The names these statements bind to a string (or None) constant."""
    found: dict[str, str | None] = {}
    for node in body:
        pair = assignment(node)
        if pair is not None and isinstance(pair[1], ast.Constant):
            value = pair[1].value
            if value is None or isinstance(value, str):
                found[pair[0]] = value
    return found
