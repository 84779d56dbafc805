"""The FastAPI application: `uvicorn app.main:app`."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.trustedhost import TrustedHostMiddleware

from app.api import demo, health, posts, users
from app.core.config import Settings, get_settings
from app.core.database import create_engine, create_session_factory
from app.core.errors import register_exception_handlers
from app.core.headers import SecurityHeadersMiddleware
from app.core.logging import configure_logging
from app.core.rate_limit import LoginRateLimiter
from app.core.request_id import RequestIdMiddleware
from app.core.security import PasswordHasher
from app.core.state import AppState, app_state
from app.core.tuning import SessionSlots, freeze_startup_objects


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Create the engine and the hashing pool at startup; release both at shutdown."""
    state = app_state(app)
    settings = state.settings
    configure_logging(settings.log_level)
    settings.check_secret_key()  # refuse, in one line, a key anyone could guess
    engine = create_engine(settings)
    hasher = PasswordHasher(settings)
    state.engine = engine
    state.session_factory = create_session_factory(engine)
    state.hasher = hasher
    state.login_limiter = LoginRateLimiter(settings.login_rate_limit)
    state.session_slots = SessionSlots(settings)
    freeze_startup_objects()
    try:
        yield
    finally:
        hasher.close()
        await engine.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; tests pass their own settings."""
    settings = settings or get_settings()
    # Not FastAPI(debug=...): debug mode answers 500s with the traceback in the body.
    app = FastAPI(
        title=settings.app_name,
        version=settings.version,
        lifespan=lifespan,
        max_body_size=settings.max_body_bytes,  # larger bodies get 413, unread
    )
    app.state = AppState()
    app.state.settings = settings
    app.add_middleware(SecurityHeadersMiddleware)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts)
    app.add_middleware(RequestIdMiddleware)
    register_exception_handlers(app)
    app.include_router(health.router)
    app.include_router(users.router)
    app.include_router(posts.router)
    if settings.demo_endpoints:
        app.include_router(demo.router)
    return app


app: FastAPI  # what `uvicorn app.main:app` serves, built by __getattr__ when first looked up


def __getattr__(name: str) -> FastAPI:
    """Build `app` from the environment when uvicorn looks it up, or stop in one line.

    Not at import: tests import create_app and build their own. An unsafe secret stops the
    server here, with its reason and what to do: refused in the lifespan, the same line would
    come buried in uvicorn's traceback.
    """
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    settings = get_settings()
    try:
        settings.check_secret_key()
    except ValueError as refused:
        raise SystemExit(str(refused)) from None
    built = globals()["app"] = create_app(settings)
    return built
