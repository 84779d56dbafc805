"""Exception handlers: generic 500 bodies with a request id, 422 bodies that echo no input."""

import logging
import uuid

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from app.core.headers import HEADERS
from app.core.request_id import HEADER

logger = logging.getLogger("app.errors")


async def unhandled_exception_handler(request: Request, exc: Exception) -> JSONResponse:
    """Answer 500 without details; the stack trace goes to the log under the request id."""
    request_id = getattr(request.state, "request_id", None) or uuid.uuid4().hex
    logger.error(
        "request.unhandled_exception",
        exc_info=exc,
        extra={"request_id": request_id, "method": request.method, "path": request.url.path},
    )
    return JSONResponse(
        status_code=500,
        content={"detail": "Internal server error", "request_id": request_id},
        # This handler runs outside every middleware, so it sets their headers itself.
        headers={HEADER: request_id, **HEADERS},
    )


async def validation_exception_handler(
    request: Request, exc: RequestValidationError
) -> JSONResponse:
    """Answer 422 like FastAPI does, minus the `input` echo (it may hold a password)."""
    errors = [
        {"loc": error["loc"], "msg": error["msg"], "type": error["type"]} for error in exc.errors()
    ]
    logger.info("request.invalid", extra={"path": request.url.path, "errors": len(errors)})
    return JSONResponse(status_code=422, content={"detail": jsonable_encoder(errors)})


def register_exception_handlers(app: FastAPI) -> None:
    """Install the handlers on `app`."""
    app.add_exception_handler(Exception, unhandled_exception_handler)
    # Starlette types every handler as taking `Exception`; this one takes the narrower type.
    app.add_exception_handler(RequestValidationError, validation_exception_handler)  # type: ignore[arg-type]
