"""User schemas."""

from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, EmailStr, Field, model_validator

from app.schemas.common import NO_NUL, PublicId, UtcDatetime

# 6 characters is low, but the workshop's own example ("demo123") must register.
Password = Annotated[str, Field(min_length=6, max_length=128, pattern=NO_NUL)]


class UserCreate(BaseModel):
    """Registration form."""

    email: EmailStr
    password: Password
    confirm_password: Annotated[str, Field(max_length=128, pattern=NO_NUL)]

    @model_validator(mode="after")
    def passwords_match(self) -> Self:
        """Reject a confirmation that differs from the password."""
        if self.password != self.confirm_password:
            raise ValueError("Passwords do not match")
        return self


class UserPublic(BaseModel):
    """A user as anyone may see them; `id` is the public UUID. No email: it is private."""

    model_config = ConfigDict(from_attributes=True)

    id: PublicId
    created_at: UtcDatetime


class UserPrivate(UserPublic):
    """A user as they see themselves, email included."""

    email: str  # validated on the way in; no need to re-validate on the way out


class LoginForm(BaseModel):
    """The OAuth2 password form: `username` is the email."""

    username: Annotated[str, Field(max_length=320, pattern=NO_NUL)]
    password: Annotated[str, Field(max_length=128, pattern=NO_NUL)]


class Token(BaseModel):
    """An OAuth2 bearer token."""

    access_token: str
    token_type: str = "bearer"
