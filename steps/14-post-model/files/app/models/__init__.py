"""All models, imported here so `Base.metadata` knows every table (Alembic relies on it)."""

from app.models.base import Base
from app.models.post import Post
from app.models.user import User

__all__ = ["Base", "Post", "User"]
