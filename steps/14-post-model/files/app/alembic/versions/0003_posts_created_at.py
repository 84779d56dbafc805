"""Index posts.created_at, which the list sorts by.

Revision ID: 0003_posts_created_at
Revises: 0002_posts
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003_posts_created_at"
down_revision: str | None = "0002_posts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Index created_at: a page of the newest posts then reads a few index entries."""
    op.create_index("ix_posts_created_at", "posts", ["created_at"], unique=False)


def downgrade() -> None:
    """Drop the index."""
    op.drop_index("ix_posts_created_at", table_name="posts")
