"""The User table."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdentifierMixin, TimestampMixin


class User(IdentifierMixin, TimestampMixin, Base):
    """A registered account."""

    __tablename__ = "users"

    # 320 characters: the longest address RFC 5321 allows. Stored lower-cased.
    email: Mapped[str] = mapped_column(String(320), unique=True, index=True)
    hashed_password: Mapped[str] = mapped_column(String(255))
