"""Creating posts."""

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from app.models.post import Post
from app.models.user import User
from app.schemas.post import PostCreate

logger = logging.getLogger("app.posts")


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
