"""The error answers a route documents in the OpenAPI: `responses=errors(401, 404)`."""

from typing import Any

from pydantic import BaseModel


class ErrorBody(BaseModel):
    """What every error answers (422 adds the fields it rejects)."""

    detail: str


_WHY = {
    400: "Bad request",
    401: "Missing, invalid or expired credentials",
    403: "Not allowed for this user",
    404: "Not found",
    413: "Request body too large (MAX_BODY_BYTES)",
    429: "Too many attempts (Retry-After says when to try again)",
    503: "Busy or unavailable (Retry-After says when to try again)",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for these status codes."""
    return {code: {"model": ErrorBody, "description": _WHY[code]} for code in codes}
