"""Post routes: create."""

from fastapi import APIRouter, status

from app.api.deps import CurrentUser, PostServiceDep
from app.api.responses import errors
from app.models.post import Post
from app.schemas.post import PostCreate, PostPublic

router = APIRouter(prefix="/posts", tags=["posts"])


@router.post(
    "",
    response_model=PostPublic,
    status_code=status.HTTP_201_CREATED,
    responses=errors(401, 413),
)
async def create_post(data: PostCreate, user: CurrentUser, posts: PostServiceDep) -> Post:
    """Publish a post as the logged-in user."""
    return await posts.create(data, author=user)
