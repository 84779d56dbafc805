"""The FastAPI application: `uvicorn app.main:app`."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.api import health, users
from app.core.config import Settings, get_settings
from app.core.database import create_engine, create_session_factory
from app.core.headers import SecurityHeadersMiddleware
from app.core.security import PasswordHasher
from app.core.state import AppState, app_state


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Create the engine and the hashing pool at startup; release both at shutdown."""
    state = app_state(app)
    settings = state.settings
    settings.check_secret_key()  # refuse, in one line, a key anyone could guess
    engine = create_engine(settings)
    hasher = PasswordHasher(settings)
    state.engine = engine
    state.session_factory = create_session_factory(engine)
    state.hasher = hasher
    try:
        yield
    finally:
        hasher.close()
        await engine.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; tests pass their own settings."""
    settings = settings or get_settings()
    # Not FastAPI(debug=...): debug mode answers 500s with the traceback in the body.
    app = FastAPI(title=settings.app_name, version=settings.version, lifespan=lifespan)
    app.state = AppState()
    app.state.settings = settings
    app.add_middleware(SecurityHeadersMiddleware)
    app.include_router(health.router)
    app.include_router(users.router)
    return app


app = create_app()
