"""The FastAPI application: `uvicorn app.main:app`."""

from fastapi import FastAPI

from app.api import health
from app.core.config import Settings, get_settings
from app.core.headers import SecurityHeadersMiddleware
from app.core.state import AppState


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; tests pass their own settings."""
    settings = settings or get_settings()
    # Not FastAPI(debug=...): debug mode answers 500s with the traceback in the body.
    app = FastAPI(title=settings.app_name, version=settings.version)
    app.state = AppState()
    app.state.settings = settings
    app.add_middleware(SecurityHeadersMiddleware)
    app.include_router(health.router)
    return app


app = create_app()
