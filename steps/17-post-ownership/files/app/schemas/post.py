"""Post schemas."""

from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.json_schema import SkipJsonSchema

from app.schemas.common import NO_NUL, PublicId, UtcDatetime

Title = Annotated[str, Field(min_length=1, max_length=200, pattern=NO_NUL)]
Content = Annotated[str, Field(min_length=1, max_length=10_000, pattern=NO_NUL)]


class PostCreate(BaseModel):
    """A new post."""

    title: Title
    content: Content


class PostUpdate(BaseModel):
    """A partial update: only the fields sent are changed."""

    # None only stands for "not sent": the schema does not offer null, and no_nulls rejects it.
    title: Title | SkipJsonSchema[None] = None
    content: Content | SkipJsonSchema[None] = None

    @model_validator(mode="after")
    def no_nulls(self) -> Self:
        """Reject an explicit null: the columns are required."""
        for name in self.model_fields_set:
            if getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


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
