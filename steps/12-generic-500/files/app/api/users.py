"""User routes: register, log in, who am I."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Response, status

from app.api.deps import CurrentUser, SettingsDep, UserServiceDep, limit_login_attempts
from app.api.responses import errors
from app.core.security import HashingBusyError, create_access_token
from app.models.user import User
from app.schemas.user import LoginForm, Token, UserCreate, UserPrivate
from app.services.user_service import EmailAlreadyRegisteredError

router = APIRouter(prefix="/users", tags=["users"])


def _busy() -> HTTPException:
    # Every hashing thread is busy and the queue is full: a quick answer beats a long wait.
    return HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "Busy", headers={"Retry-After": "1"})


@router.post(
    "/register",
    response_model=UserPrivate,
    status_code=status.HTTP_201_CREATED,
    responses=errors(400, 503),
)
async def register(data: UserCreate, users: UserServiceDep) -> User:
    """Create an account."""
    try:
        return await users.register(data)
    except EmailAlreadyRegisteredError:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "Email already registered") from None
    except HashingBusyError:
        raise _busy() from None


@router.post(
    "/login", dependencies=[Depends(limit_login_attempts)], responses=errors(401, 413, 429, 503)
)
async def login(
    form: Annotated[LoginForm, Form()],
    users: UserServiceDep,
    settings: SettingsDep,
    response: Response,
) -> Token:
    """Exchange email (the form's `username`) and password for a bearer token."""
    try:
        user = await users.authenticate(form.username, form.password)
    except HashingBusyError:
        raise _busy() from None
    if user is None:
        # One message for unknown email and wrong password: no hint which one it was.
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "Incorrect email or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    response.headers["Cache-Control"] = "no-store"  # a token must not sit in any cache
    return Token(access_token=create_access_token(user.public_id, settings))


@router.get("/me", response_model=UserPrivate, responses=errors(401))
async def read_me(user: CurrentUser) -> User:
    """The logged-in user, email included."""
    return user
