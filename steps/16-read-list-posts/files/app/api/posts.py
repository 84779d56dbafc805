"""Post routes: create, list and read."""

import uuid
from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status

from app.api.deps import CurrentUser, PostReaderDep, PostServiceDep
from app.api.responses import errors
from app.models.post import Post
from app.schemas.post import PostCreate, PostPublic
from app.services.post_service import PostNotFoundError

router = APIRouter(prefix="/posts", tags=["posts"])

MAX_PAGE_SIZE = 100
MAX_OFFSET = 1_000_000  # every integer input is bounded: past 64 bits the database fails


def _not_found() -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, "Post not found")


@router.post(
    "",
    response_model=PostPublic,
    status_code=status.HTTP_201_CREATED,
    responses=errors(401, 413),
)
async def create_post(data: PostCreate, user: CurrentUser, posts: PostServiceDep) -> Post:
    """Publish a post as the logged-in user."""
    return await posts.create(data, author=user)


@router.get("", response_model=list[PostPublic])
async def list_posts(
    posts: PostReaderDep,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    author_id: Annotated[uuid.UUID | None, Query(description="Author's public id.")] = None,
) -> Sequence[Post]:
    """A page of posts, newest first, optionally by one author."""
    return await posts.list(limit=limit, offset=offset, author_public_id=author_id)


@router.get("/{public_id}", response_model=PostPublic, responses=errors(404))
async def read_post(public_id: uuid.UUID, posts: PostReaderDep) -> Post:
    """One post with its author."""
    try:
        return await posts.get(public_id)
    except PostNotFoundError:
        raise _not_found() from None
