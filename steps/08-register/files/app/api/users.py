"""User routes: register."""

from fastapi import APIRouter, HTTPException, status

from app.api.deps import UserServiceDep
from app.core.security import HashingBusyError
from app.models.user import User
from app.schemas.user import UserCreate, UserPrivate
from app.services.user_service import EmailAlreadyRegisteredError

router = APIRouter(prefix="/users", tags=["users"])


def _busy() -> HTTPException:
    # Every hashing thread is busy and the queue is full: a quick answer beats a long wait.
    return HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "Busy", headers={"Retry-After": "1"})


@router.post("/register", response_model=UserPrivate, status_code=status.HTTP_201_CREATED)
async def register(data: UserCreate, users: UserServiceDep) -> User:
    """Create an account."""
    try:
        return await users.register(data)
    except EmailAlreadyRegisteredError:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "Email already registered") from None
    except HashingBusyError:
        raise _busy() from None
