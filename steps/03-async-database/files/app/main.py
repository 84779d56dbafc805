"""The FastAPI application: `uvicorn app.main:app`."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.api import health
from app.core.config import Settings, get_settings
from app.core.database import create_engine, create_session_factory
from app.core.headers import SecurityHeadersMiddleware
from app.core.state import AppState, app_state


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Create the engine at startup; release it at shutdown."""
    state = app_state(app)
    settings = state.settings
    engine = create_engine(settings)
    state.engine = engine
    state.session_factory = create_session_factory(engine)
    try:
        yield
    finally:
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
    return app


app = create_app()
