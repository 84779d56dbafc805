"""The suite empties its database: it refuses one that is not named as a test database."""

import pytest

from tests.helpers import check_test_database


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres",
        "postgresql+asyncpg://postgres@127.0.0.1:5432/test",
        "postgresql+asyncpg://postgres@127.0.0.1:5432/app_test_backup",
        "sqlite+aiosqlite:///./vibecoding_async.db",
    ],
)
def test_a_database_not_named_as_a_test_database_is_refused(url: str) -> None:
    with pytest.raises(pytest.UsageError, match="_test"):
        check_test_database(url)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+asyncpg://postgres@127.0.0.1:5432/vibecode_test",
        "sqlite+aiosqlite:////tmp/run/app_test.db",
    ],
)
def test_a_test_database_is_accepted(url: str) -> None:
    assert check_test_database(url) == url
