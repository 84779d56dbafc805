"""The OpenAPI document tells the truth: every status a route answers, the bodies it accepts."""

from typing import Any

import pytest
from fastapi import FastAPI

from app.core.config import Settings
from app.main import create_app

# Each route's answers; the suite's behaviour tests produce every one of them.
ANSWERS = {
    ("post", "/users/register"): {"201", "400", "413", "422", "503"},
    ("post", "/users/login"): {"200", "401", "413", "422", "429", "503"},
    ("get", "/users/me"): {"200", "401"},
    ("get", "/users/{public_id}"): {"200", "404", "422"},
    ("post", "/posts"): {"201", "401", "413", "422"},
    ("get", "/posts"): {"200", "422"},
    ("get", "/posts/{public_id}"): {"200", "404", "422"},
    ("patch", "/posts/{public_id}"): {"200", "401", "403", "404", "413", "422"},
    ("delete", "/posts/{public_id}"): {"204", "401", "403", "404", "422"},
    ("get", "/health"): {"200", "503"},
}


def _documented(app: FastAPI) -> dict[tuple[str, str], set[str]]:
    paths: dict[str, dict[str, Any]] = app.openapi()["paths"]
    return {
        (method, path): set(operation["responses"])
        for path, operations in paths.items()
        for method, operation in operations.items()
    }


def test_every_status_a_route_answers_is_documented(app: FastAPI) -> None:
    documented = _documented(app)
    for route, statuses in ANSWERS.items():
        assert statuses <= documented[route], (route, statuses - documented[route])


@pytest.mark.parametrize("field", ["title", "content"])
def test_the_patch_schema_offers_no_null(field: str, app: FastAPI) -> None:
    schemas = app.openapi()["components"]["schemas"]
    prop = schemas["PostUpdate"]["properties"][field]
    assert prop.get("type") == "string", prop  # not anyOf [string, null]: the server refuses null
    assert "required" not in schemas["PostUpdate"]  # every field may be left out


def test_documented_errors_have_the_error_body_and_a_reason(app: FastAPI) -> None:
    paths = app.openapi()["paths"]
    delete = paths["/posts/{public_id}"]["delete"]["responses"]
    assert delete["404"]["description"] == "Not found"
    assert delete["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"
    }
    login = paths["/users/login"]["post"]["responses"]
    assert "Retry-After" in login["429"]["description"]


def test_the_document_carries_the_configured_name_and_version(settings: Settings) -> None:
    named = settings.model_copy(update={"app_name": "Workshop API", "version": "2.3.4"})
    info = create_app(named).openapi()["info"]
    assert (info["title"], info["version"]) == ("Workshop API", "2.3.4")
