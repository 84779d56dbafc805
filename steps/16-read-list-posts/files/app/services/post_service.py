"""Creating, listing and reading posts."""

import logging
import uuid
from collections.abc import Sequence

from sqlalchemy import Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import contains_eager

from app.models.post import Post
from app.models.user import User
from app.schemas.post import PostCreate

logger = logging.getLogger("app.posts")


class PostNotFoundError(Exception):
    """No post has this public id."""


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
