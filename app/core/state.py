"""What the app keeps for its lifetime, typed: `app_state(request.app).settings`."""

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.datastructures import State
from starlette.types import ASGIApp

from app.core.config import Settings
from app.core.rate_limit import LoginRateLimiter
from app.core.security import PasswordHasher
from app.core.tuning import SessionSlots


class AppState(State):
    """Starlette's `app.state` with a declared type for each thing on it.

    `settings` is set by create_app; the rest by the lifespan, at startup.
    """

    settings: Settings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    hasher: PasswordHasher
    login_limiter: LoginRateLimiter
    session_slots: SessionSlots


def app_state(app: ASGIApp) -> AppState:
    """The typed state of `app` (a FastAPI app built by create_app)."""
    state = getattr(app, "state", None)
    if not isinstance(state, AppState):
        raise TypeError("app.state is not an AppState: build the app with create_app()")
    return state
