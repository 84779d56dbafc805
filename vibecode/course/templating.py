"""`${name}` placeholders in demo and benchmark requests, and captures from responses."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from string import Template
from typing import Any

from vibecode.errors import VibecodeError

SERVED_URL = "http://127.0.0.1:8000"
"""`${url}` in talking points when no server runs: where `vibecode serve` listens by default."""


def talk_text(text: str, *, url: str | None) -> str:
    """A talking point with `${url}` filled: the running server's URL, else SERVED_URL.

    Only `${url}`: a point may quote other `${...}` (a demo's placeholders) as they are.
    """
    return Template(text).safe_substitute(url=(url or SERVED_URL).rstrip("/"))


def new_run_id() -> str:
    """A short random id for `${run}`, so repeated demos register fresh emails."""
    return secrets.token_hex(4)


def render(value: Any, variables: Mapping[str, str]) -> Any:
    """Fill `${name}` placeholders in every string inside `value` (dicts and lists included)."""
    if isinstance(value, str):
        try:
            return Template(value).substitute(variables)
        except KeyError as exc:
            raise VibecodeError(
                f"the placeholder ${{{exc.args[0]}}} in {value!r} has no value yet",
                hint="capture it from an earlier request",
            ) from None
        except ValueError as exc:
            raise VibecodeError(f"bad placeholder in {value!r}: {exc}") from None
    if isinstance(value, dict):
        return {key: render(item, variables) for key, item in value.items()}
    if isinstance(value, list):
        return [render(item, variables) for item in value]
    return value


def extract(body: Any, dotted_path: str) -> str:
    """The value at `a.b.0.c` in a decoded JSON body, as a string; raises when absent."""
    current = body
    for part in dotted_path.split("."):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            raise VibecodeError(f"the response has no {dotted_path!r} to capture")
    return current if isinstance(current, str) else str(current)
