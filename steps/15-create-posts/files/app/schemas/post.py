"""Post schemas."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.common import NO_NUL, PublicId, UtcDatetime

Title = Annotated[str, Field(min_length=1, max_length=200, pattern=NO_NUL)]
Content = Annotated[str, Field(min_length=1, max_length=10_000, pattern=NO_NUL)]


class PostCreate(BaseModel):
    """A new post."""

    title: Title
    content: Content


class AuthorPublic(BaseModel):
    """The author shown inside a post: the user's public UUID (their email stays private)."""

    model_config = ConfigDict(from_attributes=True)

    id: PublicId


class PostPublic(BaseModel):
    """A post as the API shows it; `id` is the public UUID."""

    model_config = ConfigDict(from_attributes=True)

    id: PublicId
    title: str
    content: str
    created_at: UtcDatetime
    author: AuthorPublic
