"""User routes: register, log in."""

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, status

from app.api.deps import SettingsDep, UserServiceDep
from app.api.responses import errors
from app.core.security import create_access_token
from app.models.user import User
from app.schemas.user import LoginForm, Token, UserCreate, UserPrivate
from app.services.user_service import EmailAlreadyRegisteredError

router = APIRouter(prefix="/users", tags=["users"])


@router.post(
    "/register",
    response_model=UserPrivate,
    status_code=status.HTTP_201_CREATED,
    responses=errors(400),
)
async def register(data: UserCreate, users: UserServiceDep) -> User:
    """Create an account."""
    try:
        return await users.register(data)
    except EmailAlreadyRegisteredError:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "Email already registered") from None


@router.post("/login", responses=errors(401))
async def login(
    form: Annotated[LoginForm, Form()],
    users: UserServiceDep,
    settings: SettingsDep,
) -> Token:
    """Exchange email (the form's `username`) and password for a bearer token."""
    user = await users.authenticate(form.username, form.password)
    if user is None:
        # One message for unknown email and wrong password: no hint which one it was.
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "Incorrect email or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return Token(access_token=create_access_token(user.public_id, settings))
