"""Types shared by the schemas."""

import uuid
from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, Field


def _assume_utc(value: datetime) -> datetime:
    # SQLite drops the timezone on the way back; every stored time is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_assume_utc)]

# Read from the model's `public_id`, written to JSON as `id`.
PublicId = Annotated[
    uuid.UUID,
    Field(validation_alias="public_id", description="Public identifier (UUID v4)."),
]

# NUL is valid JSON, but PostgreSQL cannot store it in text (a 500): every string input
# refuses it with a 422.
NO_NUL = r"^[^\x00]*$"
