"""Migrate a materialized step's empty database, start its app, fire its demo and bench requests.

Run as a script with the workspace as the working directory and on PYTHONPATH (the tool never
imports a workspace's `app` itself), DATABASE_URL pointing at an empty SQLite file. First
`alembic upgrade head` (the same entry point as `python -m alembic`, in this process to save an
interpreter start per step), then the app's lifespan and its requests. They come as JSON on stdin:
`{"demos": [...], "benches": [...]}`, each request with `name`, `method`, `path`, `headers`,
`json`, `form`, `expect`, `capture`. Prints one line per request and exits 1 on the first
unexpected status.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import sys
from pathlib import Path
from string import Template
from typing import Any

from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient


def render(value: Any, variables: dict[str, str]) -> Any:
    """Fill `${name}` placeholders in every string inside `value`."""
    if isinstance(value, str):
        return Template(value).substitute(variables)
    if isinstance(value, dict):
        return {key: render(item, variables) for key, item in value.items()}
    if isinstance(value, list):
        return [render(item, variables) for item in value]
    return value


def extract(body: Any, dotted: str) -> str:
    """The value at a dotted path in a JSON body."""
    for part in dotted.split("."):
        body = body[int(part)] if isinstance(body, list) else body[part]
    return str(body)


async def fire(client: AsyncClient, spec: dict[str, Any], variables: dict[str, str]) -> bool:
    """Send one request; check its status; store its captures in `variables`."""
    kwargs: dict[str, Any] = {"headers": render(spec.get("headers") or {}, variables)}
    if spec.get("json") is not None:
        kwargs["json"] = render(spec["json"], variables)
    if spec.get("form") is not None:
        kwargs["data"] = render(spec["form"], variables)
    response = await client.request(spec["method"], render(spec["path"], variables), **kwargs)
    expect = spec.get("expect") or [200]
    ok = response.status_code in expect
    print(f"{spec['name']}: {response.status_code} (expected {expect})")
    if not ok:
        print(response.text[:500])
        return False
    for variable, dotted in (spec.get("capture") or {}).items():
        variables[variable] = extract(response.json(), dotted)
    return True


async def main() -> int:
    """Run the lifespan, then every request in order."""
    plan = json.load(sys.stdin)
    from app.main import app  # the workspace's app: cwd and PYTHONPATH point at it

    variables = {"run": secrets.token_hex(4), "seq": "1"}
    async with LifespanManager(app) as manager:
        # A demo may expect a 500 (step 12): see it as a client would, not as an exception.
        transport = ASGITransport(app=manager.app, raise_app_exceptions=False)
        async with AsyncClient(transport=transport, base_url="http://localhost") as client:
            for spec in plan["demos"]:
                if not await fire(client, spec, variables):
                    return 1
            for bench in plan["benches"]:
                scope = dict(variables)
                for spec in bench["setup"]:
                    if not await fire(client, spec, scope):
                        return 1
                for side in bench["sides"]:
                    if not await fire(client, side, scope):
                        return 1
    return 0


def migrate() -> None:
    """`alembic upgrade head` on DATABASE_URL, when the step has migrations."""
    if Path("alembic.ini").is_file():
        from alembic.config import main as alembic

        alembic(argv=["upgrade", "head"])


if __name__ == "__main__":
    migrate()
    sys.exit(asyncio.run(main()))
