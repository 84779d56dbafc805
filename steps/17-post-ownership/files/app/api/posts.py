"""Post routes: create, list, read, update and delete; only the author may change a post."""

import uuid
from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status

from app.api.deps import CurrentUser, PostReaderDep, PostServiceDep
from app.api.responses import errors
from app.models.post import Post
from app.schemas.post import PostCreate, PostPublic, PostUpdate
from app.services.post_service import NotPostAuthorError, PostNotFoundError

router = APIRouter(prefix="/posts", tags=["posts"])

MAX_PAGE_SIZE = 100
MAX_OFFSET = 1_000_000  # every integer input is bounded: past 64 bits the database fails


def _not_found() -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, "Post not found")


def _forbidden() -> HTTPException:
    return HTTPException(status.HTTP_403_FORBIDDEN, "Only the author can change this post")


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


@router.patch("/{public_id}", response_model=PostPublic, responses=errors(401, 403, 404, 413))
async def update_post(
    public_id: uuid.UUID, data: PostUpdate, user: CurrentUser, posts: PostServiceDep
) -> Post:
    """Change a post's title or content (author only)."""
    try:
        return await posts.update(public_id, data, user=user)
    except PostNotFoundError:
        raise _not_found() from None
    except NotPostAuthorError:
        raise _forbidden() from None


@router.delete(
    "/{public_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(401, 403, 404)
)
async def delete_post(public_id: uuid.UUID, user: CurrentUser, posts: PostServiceDep) -> None:
    """Delete a post (author only)."""
    try:
        await posts.delete(public_id, user=user)
    except PostNotFoundError:
        raise _not_found() from None
    except NotPostAuthorError:
        raise _forbidden() from None
