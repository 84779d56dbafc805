"""User routes: register."""

from fastapi import APIRouter, HTTPException, status

from app.api.deps import UserServiceDep
from app.api.responses import errors
from app.models.user import User
from app.schemas.user import UserCreate, UserPrivate
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
