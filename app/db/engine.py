"""Async engine and session factories for SQLite (aiosqlite) and PostgreSQL (asyncpg)."""

import contextlib
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.db.driver import DriverStatements, StatementCache
from app.db.greenlets import ReusedGreenlets
from app.db.outages import outages_as_unavailable
from app.db.text_limits import storable_values
from app.worker.wake import wake

WRITE_OPTION = "crm_write"


def async_url(url: str) -> str:
    """The URL with the async driver this gateway uses for its backend."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    elif parsed.drivername == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    return parsed.render_as_string(hide_password=False)


def create_engine(url: str, pool_size: int = 10, max_overflow: int = 0) -> AsyncEngine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and writer transactions that lock early.

    The pool holds ``pool_size`` connections, opened as needed and kept (never recycled); a
    request that finds them all busy waits for one. ``max_overflow`` more may be opened under
    a peak, each closed when returned (which churns connections under steady load: a new
    asyncpg connection costs a handshake and type look-ups), so it is 0 unless configured
    (``CRM_GATEWAY_DATABASE_MAX_OVERFLOW``).

    On SQLite a write session begins with ``BEGIN IMMEDIATE`` so that two concurrent writers
    queue up on the database lock instead of both reading a balance and one failing later.
    Errors never carry bound values (``hide_parameters``: they may be contact data), and a
    value the database cannot store is looked up as one that matches nothing
    (:func:`_storable_parameters`).
    """
    url = async_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            url,
            connect_args={"timeout": 30},
            pool_size=pool_size,
            max_overflow=max_overflow,
            hide_parameters=True,
        )
        _configure_sqlite(engine)
    else:
        engine = create_async_engine(
            url,
            # Statements run on the driver (Database.read_value) stay prepared in asyncpg's
            # cache whatever their size: compiled reads of large selections pass its default
            # limit (15 KiB), and an uncached statement is parsed, planned and described again
            # at each execution, a round trip more.
            connect_args={"max_cacheable_statement_size": 0},
            pool_size=pool_size,
            max_overflow=max_overflow,
            pool_pre_ping=False,
            hide_parameters=True,
        )
    event.listen(engine.sync_engine, "before_cursor_execute", _storable_parameters, retval=True)
    return engine


def _storable_parameters(
    _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool
) -> tuple[str, Any]:
    """Bound strings with U+0000 or lone surrogates get U+FFFD in their place.

    Text input with such characters is refused before it reaches a service
    (``schema/input_checks.py``), so what remains are identifiers being looked up: PostgreSQL
    would fail on them and SQLite would find nothing; with the replacement both find nothing,
    and the caller gets the 404 of the entity it asked for.
    """
    return statement, storable_values(parameters)


CANCEL_SECONDS = 2.0
"""How long a driver connection whose statement was cancelled waits for the server to confirm
the cancellation before it is dropped (SQLAlchemy's graceful close of asyncpg allows as long)."""


def _is_exit(error: BaseException) -> bool:
    """SQLAlchemy's ``is_exit_exception``: asyncio's cancellation, timeouts."""
    return not isinstance(error, Exception) or isinstance(error, TimeoutError)


async def _close_after_cancel(driver: Any) -> None:
    """Close an asyncpg connection whose statement was cancelled, once the server has cancelled
    that statement too (at most :data:`CANCEL_SECONDS`; a failure leaves the connection to the
    invalidation that follows).

    asyncpg sends the server a cancel request when an awaited statement is cancelled; dropping
    the connection at once (SQLAlchemy's invalidation) abandons that request, and a statement
    outside a transaction (the driver's autocommit) then still runs to its end on the server:
    a journal posted for a request cancelled while it waited for the wallet's lock. asyncpg's
    graceful close waits for the cancellation first.
    """
    with contextlib.suppress(Exception):
        await driver.close(timeout=CANCEL_SECONDS)


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        writing = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


class Database:
    """The engine of one process and the sessions it hands out.

    A database outage met in a session or connection it hands out (while connecting or inside
    the block) is raised as :class:`~app.errors.ServiceUnavailable` (``app/db/outages.py``).
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        # On PostgreSQL a read runs without BEGIN / ROLLBACK round trips around its statements.
        read_engine = (
            engine if self.is_sqlite else engine.execution_options(isolation_level="AUTOCOMMIT")
        )
        self._read_engine = read_engine
        self._read_sessions = async_sessionmaker(read_engine, expire_on_commit=False)
        self._write_sessions = async_sessionmaker(
            engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )
        # Pool checkouts of read_value (a new greenlet per checkout costs more than it).
        self._checkouts = ReusedGreenlets(keep=16)
        self._driver_statements: StatementCache = {}  # DriverStatements' compiled statements

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A short session for reads; it is closed (and rolled back) on exit."""
        with outages_as_unavailable:
            async with self._read_sessions() as session:
                yield session

    @asynccontextmanager
    async def read_connection(self) -> AsyncIterator[AsyncConnection]:
        """A connection for one prepared read statement, without an ORM session around it."""
        with outages_as_unavailable:
            async with self._read_engine.connect() as connection:
                yield connection

    def statements_observed(self) -> bool:
        """Whether something besides the gateway's own parameter rule listens to the statements
        the engine runs (tracing's spans, a test's or the bench's statement counter)."""
        dispatch = self.engine.sync_engine.dispatch
        return bool(dispatch.after_cursor_execute) or any(
            listener is not _storable_parameters for listener in dispatch.before_cursor_execute
        )

    async def read_value(self, sql: str, parameters: Sequence[Any]) -> Any:
        """The first column of the first row of one read statement (``None`` without a row).

        ``sql`` is in the driver's dialect and positional style, as a compiled statement's
        string (``$1`` on PostgreSQL, ``?`` on SQLite), and ``parameters`` are already the
        driver's values (bind processors applied). Unstorable characters in bound strings are
        replaced as for every statement (:func:`_storable_parameters`), and an outage is a
        :class:`~app.errors.ServiceUnavailable` as in :meth:`read_connection`.

        On PostgreSQL the statement runs on the asyncpg connection of a connection checked out
        of the engine's pool (:meth:`_driver_connection`: same limits and timeout):
        SQLAlchemy's connection, execution context and result around one statement cost
        several times the driver's own work. A connection that an error left
        closed invalidates the pool, and one whose statement was cancelled is discarded, as
        SQLAlchemy does. While something observes the statements (:meth:`statements_observed`:
        tracing, a statement counter), and on SQLite, the statement goes through SQLAlchemy
        so that the observers see it.
        """
        if self.is_sqlite or self.statements_observed():
            async with self.read_connection() as connection:
                result = await connection.exec_driver_sql(sql, tuple(parameters))
                return result.scalar()
        async with self._driver_connection() as driver:
            return await driver.fetchval(sql, *storable_values(tuple(parameters)))

    def drives_writes(self) -> bool:
        """Whether :meth:`driver_statements` may be used now: on PostgreSQL while nothing
        observes the statements (:meth:`statements_observed`; they must see every write)."""
        return not self.is_sqlite and not self.statements_observed()

    @asynccontextmanager
    async def driver_statements(self) -> AsyncIterator[DriverStatements]:
        """Statements on the asyncpg connection of a pooled connection (only when
        :meth:`drives_writes`), each committed on its own (autocommit, as the read
        connections); the in-process worker is woken on a clean exit if a statement asked
        for it.

        For the hot writes whose change is one statement built once with Core (a journal's
        posting): :class:`~app.db.driver.DriverStatements` runs it with SQLAlchemy's bind and
        result processing but without its per-statement machinery. The connection comes from
        the same pool as every other (limits, timeout, outages as for :meth:`read_value`).
        """
        assert self.drives_writes(), "driver statements need PostgreSQL, unobserved"
        async with self._driver_connection() as driver:
            statements = DriverStatements(driver, self.engine.dialect, self._driver_statements)
            yield statements
        if statements.wakes:
            wake()

    @asynccontextmanager
    async def _driver_connection(self) -> AsyncIterator[Any]:
        """The asyncpg connection of a connection checked out of the engine's pool, returned
        to it on exit (discarded after a failure as SQLAlchemy would, :meth:`_discard_after`).

        The checkout runs in a greenlet kept for reuse (:mod:`app.db.greenlets`); asyncpg's
        own statement cache prepares each statement once per connection, and outside a
        transaction a statement runs in autocommit as the read connections do.
        """
        with outages_as_unavailable:
            pooled = await self._checkouts.run(self.engine.sync_engine.raw_connection)
            try:
                driver = pooled.driver_connection
                assert driver is not None
                yield driver
            except BaseException as error:
                try:
                    if _is_exit(error):
                        await _close_after_cancel(driver)
                finally:
                    self._discard_after(pooled, error)
                raise
            finally:
                pooled.close()

    def _discard_after(self, pooled: Any, error: BaseException) -> None:
        """What SQLAlchemy does with a connection whose statement failed with ``error``
        (``Connection._handle_dbapi_exception``): cancelled or timed out, the connection is
        closed (its state is unknown); closed by the failure (asyncpg's ``is_disconnect``), the
        whole pool is invalidated, so that connections broken by the same outage are replaced
        rather than each failing one request."""
        if _is_exit(error):
            pooled.invalidate(error)
        elif pooled.driver_connection.is_closed():
            self.engine.sync_engine.pool._invalidate(pooled, error)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A session whose transaction commits on a clean exit and rolls back on an error."""
        with outages_as_unavailable:
            async with self._write_sessions() as session, session.begin():
                yield session

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
