"""Creating, listing, reading, changing and deleting posts."""

import logging
import uuid
from collections.abc import Sequence

from sqlalchemy import CursorResult, Select, bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.exc import StaleDataError

from app.models.post import Post
from app.models.user import User
from app.schemas.post import PostCreate, PostUpdate

logger = logging.getLogger("app.posts")


class PostNotFoundError(Exception):
    """No post has this public id."""


class NotPostAuthorError(Exception):
    """The user is not the author of the post."""


def _posts_with_author() -> Select[Post]:
    # One SELECT with a JOIN loads each post and its author together: no lazy load, no N+1.
    # Of the author, only the public id: never their email or password hash.
    author = contains_eager(Post.author).load_only(User.public_id)
    return select(Post).join(Post.author).options(author)


# The hottest read, built once at import: per request only the parameter changes, so no time
# goes into building the statement and its compiled SQL comes straight from SQLAlchemy's cache.
_POST_BY_PUBLIC_ID = _posts_with_author().where(Post.public_id == bindparam("public_id"))


class PostService:
    """Post operations on one session; the service commits before the response is built."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, data: PostCreate, *, author: User) -> Post:
        """Save a new post by `author`."""
        post = Post(title=data.title, content=data.content, author=author)
        self.session.add(post)
        await self.session.commit()
        logger.info("post.created", extra={"post_id": post.id, "author_id": author.id})
        return post

    async def list(
        self, *, limit: int, offset: int, author_public_id: uuid.UUID | None = None
    ) -> Sequence[Post]:
        """Return a page of posts, newest first, optionally by one author."""
        query = _posts_with_author().order_by(Post.created_at.desc(), Post.id.desc())
        if author_public_id is not None:
            query = query.where(User.public_id == author_public_id)
        result = await self.session.execute(query.limit(limit).offset(offset))
        return result.scalars().all()

    async def get(self, public_id: uuid.UUID) -> Post:
        """Return the post with this public id, or raise `PostNotFoundError`."""
        result = await self.session.execute(_POST_BY_PUBLIC_ID, {"public_id": public_id})
        post = result.scalar_one_or_none()
        if post is None:
            raise PostNotFoundError(public_id)
        return post

    async def _get_own(self, public_id: uuid.UUID, user: User) -> Post:
        post = await self.get(public_id)
        if post.author_id != user.id:
            raise NotPostAuthorError(public_id)
        return post

    async def update(self, public_id: uuid.UUID, data: PostUpdate, *, user: User) -> Post:
        """Change the fields sent; only the author may."""
        post = await self._get_own(public_id, user)
        for field, value in data.model_dump(exclude_unset=True).items():
            setattr(post, field, value)
        try:
            await self.session.commit()
        except StaleDataError:  # deleted by another request since we read it
            await self.session.rollback()
            raise PostNotFoundError(public_id) from None
        logger.info("post.updated", extra={"post_id": post.id})
        return post

    async def delete(self, public_id: uuid.UUID, *, user: User) -> None:
        """Delete the post; only the author may. Of racing deletes, one wins, the rest 404."""
        post = await self._get_own(public_id, user)
        result = await self.session.execute(delete(Post).where(Post.id == post.id))
        await self.session.commit()
        if not isinstance(result, CursorResult) or result.rowcount != 1:
            raise PostNotFoundError(public_id)
        logger.info("post.deleted", extra={"post_id": post.id})
