"""Alembic: the migrations build the schema, match the models, and run down and up again."""

from alembic import command
from sqlalchemy import Connection, inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from app.models import Base
from tests.helpers import run_alembic


async def _tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    return set(names) - {"alembic_version"}


async def test_downgrade_base_then_upgrade_head(engine: AsyncEngine) -> None:
    await run_alembic(engine, command.downgrade, "base")
    assert await _tables(engine) == set()
    await run_alembic(engine, command.upgrade, "head")  # from an empty database
    assert await _tables(engine) == set(Base.metadata.tables)


async def test_models_and_migrations_do_not_drift(engine: AsyncEngine) -> None:
    # The same check as `alembic check`: autogenerate would find nothing to do.
    await run_alembic(engine, command.check)


async def test_every_table_has_an_integer_id_and_a_unique_public_id(engine: AsyncEngine) -> None:
    def check(connection: Connection) -> None:
        inspector = inspect(connection)
        for table in Base.metadata.tables:
            columns = {c["name"]: c for c in inspector.get_columns(table)}
            assert inspector.get_pk_constraint(table)["constrained_columns"] == ["id"]
            assert columns["id"]["type"].python_type is int
            assert columns["public_id"]["nullable"] is False
            unique = [i for i in inspector.get_indexes(table) if i["unique"]]
            assert {"name": f"ix_{table}_public_id", "columns": ["public_id"]} in [
                {"name": i["name"], "columns": i["column_names"]} for i in unique
            ]

    async with engine.connect() as connection:
        await connection.run_sync(check)
