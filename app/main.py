"""The FastAPI application: `uvicorn app.main:app`."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.api import demo, health, posts, users
from app.core.config import Settings, get_settings
from app.core.database import (
    SessionSlots,
    autocommit_engine,
    create_engine,
    create_session_factory,
)
from app.core.errors import register_exception_handlers
from app.core.logging import configure_logging
from app.core.request_id import RequestIdMiddleware
from app.core.security import PasswordHasher


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Create the engine and the hashing pool at startup; release both at shutdown."""
    settings: Settings = app.state.settings
    settings.check_production_safety()  # refuse to start with the example SECRET_KEY
    configure_logging(settings.log_level)
    engine = create_engine(settings)
    hasher = PasswordHasher(settings)
    app.state.engine = engine
    app.state.session_factory = create_session_factory(engine)
    app.state.session_slots = SessionSlots(settings)
    app.state.read_engine = autocommit_engine(engine)
    app.state.hasher = hasher
    # Startup's ~96,000 objects (FastAPI, SQLAlchemy, Pydantic) live as long as the app, yet every
    # full collection would scan them: a ~50 ms stop of the event loop every few hundred requests.
    # Frozen, the collector skips them (benchmarks/orm_read_throughput.py --gc-default).
    gc.freeze()
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
    app.state.settings = settings
    app.add_middleware(RequestIdMiddleware)
    register_exception_handlers(app)
    app.include_router(health.router)
    app.include_router(users.router)
    app.include_router(posts.router)
    if settings.demo_endpoints:
        app.include_router(demo.router)
    return app


app = create_app()
