"""Performance tuning, measured in benchmarks/: the app is correct without any of it.

- Read-only sessions in autocommit mode (no BEGIN/ROLLBACK around one SELECT).
- `gc.freeze()` of what startup leaves behind.
"""

import gc

from sqlalchemy.ext.asyncio import AsyncSession


async def autocommit_reads(session: AsyncSession) -> AsyncSession:
    """Put a session that has not run anything yet in autocommit mode, for a lone SELECT.

    It then sends no BEGIN before its query and no ROLLBACK after it, which measured about 15% of
    the server's CPU per GET /posts/{id} on asyncpg (benchmarks/orm_read_throughput.py). Each
    statement is its own transaction: never write through such a session. A session the request
    already used (to look up the current user, say) keeps its transaction.
    """
    if not session.in_transaction():
        await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    return session


def freeze_startup_objects() -> None:
    """Take startup's long-lived objects out of the garbage collector's full passes.

    Startup's ~96,000 objects (FastAPI, SQLAlchemy, Pydantic) live as long as the app, yet every
    full collection would scan them: a ~50 ms stop of the event loop every few hundred requests.
    Frozen, the collector skips them (benchmarks/orm_read_throughput.py --gc-default).
    """
    gc.freeze()
