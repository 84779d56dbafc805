"""The Post table."""

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, IdentifierMixin, TimestampMixin
from app.models.user import User


class Post(IdentifierMixin, TimestampMixin, Base):
    """A post written by a user."""

    __tablename__ = "posts"
    # The list reads newest first: without it, each page sorts the whole table.
    __table_args__ = (Index("ix_posts_created_at", "created_at"),)

    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    # The foreign key uses the internal integer id, never public_id.
    author_id: Mapped[int] = mapped_column(ForeignKey(User.id, ondelete="CASCADE"), index=True)
    # lazy="raise": forgetting to eager-load the author fails loudly here, instead of as
    # MissingGreenlet somewhere in the response serialization.
    author: Mapped[User] = relationship(lazy="raise")
