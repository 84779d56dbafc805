"""The two registrations: one line each, at the place the syntax tree shows, or a refusal."""

from __future__ import annotations

import pytest

from vibecode.errors import VibecodeError
from vibecode.scaffold.register import register_model, register_router

MAIN = """from fastapi import FastAPI

from app.api import health, users


def create_app() -> FastAPI:
    app = FastAPI()
    app.include_router(health.router)
    app.include_router(users.router)
    if demo:
        app.include_router(demo.router)
    return app
"""

MODELS = '''"""Models."""

from app.models.base import Base
from app.models.user import User

__all__ = ["Base", "User"]
'''


def test_the_router_is_imported_and_included_after_the_last_unconditional_include() -> None:
    text = register_router(MAIN, "products")
    assert "from app.api import health, products, users\n" in text
    lines = text.splitlines()
    assert lines[lines.index("    app.include_router(users.router)") + 1] == (
        "    app.include_router(products.router)"
    )
    assert len(lines) == len(MAIN.splitlines()) + 1


def test_the_model_is_imported_in_order_and_listed_in_all() -> None:
    text = register_model(MODELS, "product", "Product")
    assert text.splitlines()[3:7] == [
        "from app.models.product import Product",
        "from app.models.user import User",
        "",
        '__all__ = ["Base", "Product", "User"]',
    ]


@pytest.mark.parametrize(
    "main",
    [
        MAIN.replace(
            "from app.api import health, users", "from app.api import (health, users)"
        ).replace("(health, users)", "(\n    health,\n    users,\n)"),
        MAIN.replace(
            "    app.include_router(health.router)\n    app.include_router(users.router)\n", ""
        ),
        MAIN.replace("from app.api import health, users", "import app.api.health as health"),
    ],
)
def test_a_layout_it_does_not_recognise_is_refused(main: str) -> None:
    with pytest.raises(VibecodeError, match="layout is not the template's"):
        register_router(main, "products")


def test_a_multi_line_all_is_refused() -> None:
    with pytest.raises(VibecodeError, match="one-line list"):
        register_model(
            MODELS.replace('["Base", "User"]', '[\n    "Base",\n    "User",\n]'), "p", "P"
        )
