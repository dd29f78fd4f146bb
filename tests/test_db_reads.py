"""``Database.read_value``: the one statement of a compiled read. On PostgreSQL it runs on the
pooled connection's asyncpg connection, outside SQLAlchemy's execution, unless something observes
the statements; either way with the parameter rule, the pool and the outage handling of every
other statement."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import create_async_engine

from app.db.engine import Database, create_engine
from app.errors import ServiceUnavailable


def _echo(db: Database) -> str:
    """A statement answering its parameter with ``!`` after it (the driver's parameter style)."""
    return "SELECT ? || '!'" if db.is_sqlite else "SELECT $1::VARCHAR || '!'"


@pytest.fixture
async def one_connection(database_url: str) -> AsyncIterator[Database]:
    """A database whose pool holds a single connection."""
    database = Database(create_engine(database_url, pool_size=1))
    yield database
    await database.dispose()


async def test_the_value_of_the_first_row_or_none_without_a_row(db: Database) -> None:
    assert await db.read_value(_echo(db), ("Ann",)) == "Ann!"
    nothing = "SELECT 1 WHERE 1 = 0"
    assert await db.read_value(nothing, ()) is None


async def test_unstorable_characters_in_parameters_are_replaced_as_in_every_statement(
    db: Database,
) -> None:
    """PostgreSQL would refuse U+0000: the value looked up is the one every statement binds."""
    assert await db.read_value(_echo(db), ("a\x00b",)) == "a\ufffdb!"


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_on_postgresql_the_driver_runs_it_unless_statements_are_observed(
    one_connection: Database,
) -> None:
    db = one_connection
    pooled = await db.engine.raw_connection()
    driver = pooled.driver_connection
    assert driver is not None
    pooled.close()
    on_driver: list[tuple[str, Any]] = []
    driver.add_query_logger(lambda record: on_driver.append((record.query, record.args)))
    assert not db.statements_observed()
    assert await db.read_value(_echo(db), ("Ann",)) == "Ann!"
    await asyncio.sleep(0)  # asyncpg calls its query loggers soon after the query
    assert on_driver == [(_echo(db), ("Ann",))]
    assert db.engine.sync_engine.pool.checkedout() == 0

    observed: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        observed.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        assert db.statements_observed()
        assert await db.read_value(_echo(db), ("Lee",)) == "Lee!"
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)
    await asyncio.sleep(0)
    assert observed == [_echo(db)]  # through SQLAlchemy, where the observer sees it
    assert on_driver == [(_echo(db), ("Ann",))]
    assert not db.statements_observed()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_cancelled_read_gives_its_connection_back_and_the_next_read_is_answered(
    one_connection: Database,
) -> None:
    db = one_connection
    slow = asyncio.create_task(db.read_value("SELECT pg_sleep(5)::text || $1::VARCHAR", ("x",)))
    await asyncio.sleep(0.2)
    slow.cancel()
    with pytest.raises(asyncio.CancelledError):
        await slow
    pool = db.engine.sync_engine.pool
    assert pool.checkedout() == 0
    # The next read (on the pool's one connection) is not kept waiting by the cancelled
    # statement, and answers its own value.
    answer = await asyncio.wait_for(db.read_value(_echo(db), ("Ann",)), timeout=3)
    assert answer == "Ann!"


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_large_statement_is_prepared_once_per_connection(
    one_connection: Database,
) -> None:
    """Compiled statements of large selections pass asyncpg's default limit of cacheable
    statements (15 KiB): they stay prepared on the connection like the small ones, instead of
    being parsed, planned and described again at each execution."""
    db = one_connection
    large = _echo(db) + " /* " + "x" * 20_000 + " */"
    assert await db.read_value(large, ("Ann",)) == "Ann!"
    prepared = "SELECT count(*)::text FROM pg_prepared_statements WHERE length(statement) > 20000"
    assert await db.read_value(prepared, ()) == "1"  # on the pool's one connection


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_read_waits_for_a_pooled_connection_and_answers_503_when_none_frees(
    database_url: str,
) -> None:
    """The checkout keeps the pool's limits: with its one connection in use a read waits
    (answered once the connection is back, or cancelled with its caller), and past the pool's
    timeout it is the 503 of an outage."""
    engine = create_async_engine(database_url, pool_size=1, max_overflow=0, pool_timeout=0.3)
    db = Database(engine)
    try:
        held = await engine.raw_connection()
        waiting = asyncio.create_task(db.read_value(_echo(db), ("Ann",)))
        await asyncio.sleep(0.05)
        assert not waiting.done()
        held.close()
        assert await waiting == "Ann!"

        held = await engine.raw_connection()
        cancelled = asyncio.create_task(db.read_value(_echo(db), ("Lee",)))
        await asyncio.sleep(0.05)
        cancelled.cancel()
        with pytest.raises(asyncio.CancelledError):
            await cancelled
        with pytest.raises(ServiceUnavailable):
            await db.read_value(_echo(db), ("Kim",))
        held.close()
        assert await db.read_value(_echo(db), ("Kim",)) == "Kim!"
        assert engine.sync_engine.pool.checkedout() == 0
    finally:
        await db.dispose()
