"""The room service: a Starlette app that `vibecode room` runs under uvicorn.

    POST /api/join       {"code", "name"} -> 201 {"token", "attendee"}  (403 wrong code, 409 closed)
    POST /api/report     attendee token, a move or a check -> 202 {"presenter_step"}
    GET  /api/presenter  attendee token -> {"presenter_step", "step"}
    GET  /api/summary    no token: per step, how many attendees and how many pass it (no names)
    GET  /api/room       presenter token: the summary with names, who is stuck, failing tests
    POST /api/close      presenter token: refuse joins from now on
    GET  /health

A missing or unknown token is 401, a token of the wrong kind 403; a body over `MAX_BODY_BYTES`
413, a malformed one 422 (nothing stored); an attendee over the rate limit 429. The presenter's
step follows the presenter's workspace (`--workspace`): its state file is polled, so `next`,
`goto`, `type` and the notes view's keys all move it.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Annotated, Literal, TypeVar

from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from vibecode.room.store import Attendee, Report, RoomMissing, RoomStore

MAX_BODY_BYTES = 128 * 1024
MAX_TESTS = 500
MAX_NAME = 40
ATTENDEE_RATE = "60/minute"
"""Reports per attendee (a moving window; each command sends one, `check --watch` one per save)."""
JOIN_FAILURES = "10/minute"
"""Wrong join codes per client address before joins from it wait (guessing the code)."""
FOLLOW_EVERY_S = 0.25

M = TypeVar("M", bound=BaseModel)

ENV_DATABASE = "VIBECODE_ROOM_DATABASE_URL"
ENV_WORKSPACE = "VIBECODE_ROOM_WORKSPACE"
ENV_RATE = "VIBECODE_ROOM_RATE"


class JoinBody(BaseModel):
    """What an attendee sends to join."""

    model_config = ConfigDict(extra="forbid", strict=True)

    code: Annotated[str, Field(min_length=1, max_length=32)]
    name: str

    @field_validator("name")
    @classmethod
    def _printable(cls, name: str) -> str:
        name = name.strip()
        if not 1 <= len(name) <= MAX_NAME or not name.isprintable():
            raise ValueError(f"the name must be 1 to {MAX_NAME} printable characters")
        return name


class TestOutcome(BaseModel):
    """One test's outcome: its name (a pytest node id) and nothing of its code."""

    __test__ = False
    model_config = ConfigDict(extra="forbid", strict=True)

    name: Annotated[str, Field(min_length=1, max_length=200)]
    outcome: Literal["passed", "failed", "error", "skipped"]


class ReportBody(BaseModel):
    """A move (`next`, `prev`, `goto`, `reset`) or a check, with the attendee's timestamp."""

    model_config = ConfigDict(extra="forbid", strict=True)

    kind: Literal["move", "check"]
    step: Annotated[int, Field(ge=0, le=999)]
    at: Annotated[float, Field(ge=0)]
    checked: Annotated[int | None, Field(ge=0, le=999)] = None
    ok: bool = False
    tests: Annotated[list[TestOutcome], Field(max_length=MAX_TESTS)] = []

    @field_validator("at")
    @classmethod
    def _finite(cls, at: float) -> float:
        if not math.isfinite(at):
            raise ValueError("not a finite timestamp")
        return at

    def report(self) -> Report:
        """The store's form."""
        return Report(
            kind=self.kind,
            step=self.step,
            at=self.at,
            checked=self.checked if self.kind == "check" else None,
            ok=self.ok,
            tests=tuple((test.name, test.outcome) for test in self.tests),
        )


class Problem(Exception):
    """An answer other than success, with its status and one line saying why."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers


class Room:
    """The endpoints over one store, with the rate limits."""

    def __init__(self, store: RoomStore, *, attendee_rate: str = ATTENDEE_RATE) -> None:
        self.store = store
        self.limiter = MovingWindowRateLimiter(MemoryStorage())
        self.attendee_limits = parse_many(attendee_rate)
        self.join_limits = parse_many(JOIN_FAILURES)

    async def join(self, request: Request) -> Response:
        """Exchange the join code for a new attendee's token."""
        address = request.client.host if request.client else "-"
        if not all(self.limiter.test(item, "join", address) for item in self.join_limits):
            raise Problem(429, "too many wrong join codes from this address: wait a minute")
        body = _parse(JoinBody, await _body(request))
        if not await self.store.code_matches(body.code):
            for item in self.join_limits:
                self.limiter.hit(item, "join", address)
            raise Problem(403, "wrong join code")
        if await self.store.is_closed():
            raise Problem(409, "the room is closed: it takes no new attendees")
        token = secrets.token_urlsafe(24)
        attendee = await self.store.join(name=body.name, token=token)
        return JSONResponse(
            {"token": token, "attendee": attendee},
            status_code=201,
            headers={"Cache-Control": "no-store"},
        )

    async def report(self, request: Request) -> Response:
        """Count and store an attendee's move or check."""
        attendee = await self._attendee(request)
        key = str(attendee.id)
        if not all(self.limiter.hit(item, "report", key) for item in self.attendee_limits):
            raise Problem(429, "too many reports: this one was dropped")
        body = _parse(ReportBody, await _body(request))
        presenter = await self.store.report(attendee, body.report())
        return JSONResponse({"presenter_step": presenter}, status_code=202)

    async def presenter(self, request: Request) -> Response:
        """Where the presenter is, and where the room has the attendee."""
        attendee = await self._attendee(request)
        return JSONResponse(
            {"presenter_step": await self.store.presenter_step(), "step": attendee.step}
        )

    async def summary(self, request: Request) -> Response:
        """The audience's figures: no names."""
        return JSONResponse(await self.store.summary())

    async def room(self, request: Request) -> Response:
        """Everything, names included: the presenter's."""
        await self._presenter(request)
        return JSONResponse(await self.store.roster())

    async def close(self, request: Request) -> Response:
        """Refuse joins from now on."""
        await self._presenter(request)
        await self.store.close()
        return JSONResponse({"closed": True})

    async def health(self, request: Request) -> Response:
        """The room answers."""
        return JSONResponse({"status": "ok"})

    async def page(self, request: Request) -> Response:
        """Where the QR code leads: the command to type (the code is the visitor's own)."""
        from html import escape

        code = request.query_params.get("code", "CODE")[:32]
        base = f"{request.url.scheme}://{request.url.netloc}"
        command = escape(f"vibecode join {base} {code} --name YOUR-NAME")
        return HTMLResponse(
            "<!doctype html><meta charset=utf-8><title>vibecode room</title>"
            f"<p>In your workshop folder, run:</p><pre>{command}</pre>",
            headers={"Content-Security-Policy": "default-src 'none'"},
        )

    async def _attendee(self, request: Request) -> Attendee:
        token = _bearer(request)
        attendee = await self.store.attendee(token)
        if attendee is not None:
            return attendee
        if await self.store.is_presenter(token):
            raise Problem(403, "the presenter's token does not report: join as an attendee")
        raise Problem(401, "unknown token: `vibecode join URL CODE --name NAME` again")

    async def _presenter(self, request: Request) -> None:
        token = _bearer(request)
        if await self.store.is_presenter(token):
            return
        if await self.store.attendee(token) is not None:
            raise Problem(403, "only the presenter reads the room's names")
        raise Problem(401, "unknown token")


def _bearer(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem(401, "a Bearer token is needed", {"WWW-Authenticate": "Bearer"})
    return token.strip()


async def _body(request: Request) -> bytes:
    """The body, refused with 413 as soon as it is over the limit (never read whole first)."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
        raise Problem(413, f"the body is over {MAX_BODY_BYTES} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise Problem(413, f"the body is over {MAX_BODY_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _parse(model: type[M], body: bytes) -> M:
    try:
        return model.model_validate_json(body)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise Problem(422, f"{where}: {first['msg']}") from None


def _guard(
    endpoint: Callable[[Request], Awaitable[Response]],
) -> Callable[[Request], Awaitable[Response]]:
    async def run(request: Request) -> Response:
        try:
            return await endpoint(request)
        except Problem as problem:
            return JSONResponse(
                {"detail": problem.detail}, status_code=problem.status, headers=problem.headers
            )
        except RoomMissing:
            return JSONResponse({"detail": "no room in this database"}, status_code=503)

    return run


async def follow_presenter(store: RoomStore, workspace: Path) -> None:
    """Publish the presenter workspace's step (the one being typed, while `type` runs)."""
    from vibecode.errors import VibecodeError
    from vibecode.paths import state_file
    from vibecode.workspace.state import load_state

    seen: tuple[int, int] | None = None
    published: int | None = None
    while True:
        try:
            stat = state_file(workspace).stat()
            key = (stat.st_mtime_ns, stat.st_size)
            if key != seen:
                seen = key
                state = load_state(workspace)
                step = state.pending.step if state.pending is not None else state.step
                if step != published:
                    await store.set_presenter_step(step)
                    published = step
        except (OSError, VibecodeError, RoomMissing):
            pass
        await asyncio.sleep(FOLLOW_EVERY_S)


def create_app(
    store: RoomStore, *, workspace: Path | None = None, attendee_rate: str = ATTENDEE_RATE
) -> Starlette:
    """The ASGI app over `store`; with `workspace`, the presenter's step follows it."""
    room = Room(store, attendee_rate=attendee_rate)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        follower = asyncio.create_task(follow_presenter(store, workspace)) if workspace else None
        try:
            yield
        finally:
            if follower is not None:
                follower.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await follower
            await store.dispose()

    routes = [
        Route("/api/join", _guard(room.join), methods=["POST"]),
        Route("/api/report", _guard(room.report), methods=["POST"]),
        Route("/api/presenter", _guard(room.presenter), methods=["GET"]),
        Route("/api/summary", _guard(room.summary), methods=["GET"]),
        Route("/api/room", _guard(room.room), methods=["GET"]),
        Route("/api/close", _guard(room.close), methods=["POST"]),
        Route("/health", _guard(room.health), methods=["GET"]),
        Route("/join", _guard(room.page), methods=["GET"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def app_from_environment() -> Starlette:
    """The app uvicorn's workers build (`--factory`): its settings come from the environment."""
    workspace = os.environ.get(ENV_WORKSPACE)
    return create_app(
        RoomStore(os.environ[ENV_DATABASE]),
        workspace=Path(workspace) if workspace else None,
        attendee_rate=os.environ.get(ENV_RATE, ATTENDEE_RATE),
    )
