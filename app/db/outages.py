"""Database outages: which exceptions mean "the database cannot be reached or cannot answer
now", and the one place that turns them into the spec's 503
(:class:`~app.errors.ServiceUnavailable`).

Both doors answer an outage with the spec's body: REST a 503
``CRM.EXCEPTIONS.SERVICEUNAVAILABLEEXCEPTION`` with ``parameters`` ``["database"]``, GraphQL an
error with ``extensions.code`` ``SERVICEUNAVAILABLE`` (and HTTP 503). The caller never sees the
driver's message or SQL; the log gets one warning line naming the kind of failure.

Healing: a statement that fails on a connection the outage broke makes SQLAlchemy invalidate the
whole pool (``connection_invalidated``), so once the database answers again the next request
opens fresh connections; the gateway needs no restart.
"""

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from types import TracebackType
from typing import Literal

import asyncpg
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncEngine

from app.errors import ServiceUnavailable

logger = logging.getLogger("crm_gateway.database")

DATABASE_CHECK = "database"

# SQLite reports these as OperationalError / DatabaseError, as it does a syntax error (a bug,
# which stays a 500): only these messages mean the file cannot be used now.
_SQLITE_OUTAGE_MESSAGES = (
    "database is locked",
    "database table is locked",
    "unable to open database file",
    "disk i/o error",
    "database or disk is full",
    "attempt to write a readonly database",
    "database disk image is malformed",
    "file is not a database",
)

# Errors of a server that cannot be reached, refuses or drops connections (SQLAlchemy passes
# those raised while connecting through unwrapped).
_OTHER_OUTAGES = (
    sa_exc.TimeoutError,  # no pooled connection free within the pool's timeout
    TimeoutError,  # connecting took too long
    OSError,  # connection refused or reset
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,  # shutting down, starting up, crashed
    asyncpg.exceptions.InsufficientResourcesError,  # too many connections, disk full
    asyncpg.exceptions.InterfaceError,  # "connection is closed"
)


def is_database_outage(error: BaseException) -> bool:
    """Whether ``error`` says the database cannot be reached or cannot answer now (connection
    refused or dropped, pool exhausted, server shutting down or starting up, SQLite file locked
    beyond its busy timeout or unreadable), rather than a fault of the statement or the data."""
    if isinstance(error, sa_exc.DBAPIError):
        if error.connection_invalidated:
            return True
        original = error.orig
        if isinstance(original, sqlite3.Error):
            return _is_sqlite_outage(original)
        if isinstance(error, sa_exc.InterfaceError | sa_exc.OperationalError):
            return True
        return original is not None and is_database_outage(original)
    if isinstance(error, sqlite3.Error):
        return _is_sqlite_outage(error)
    return isinstance(error, _OTHER_OUTAGES)


def _is_sqlite_outage(error: sqlite3.Error) -> bool:
    message = str(error).lower()
    return any(part in message for part in _SQLITE_OUTAGE_MESSAGES)


def outage_reason(error: BaseException) -> str:
    """A one-line description of an outage for logs and the command line: the exception's class
    and the driver's first line, never the SQL statement or its parameters."""
    original = error.orig if isinstance(error, sa_exc.DBAPIError) else error
    first_line = str(original).strip().splitlines()[0] if str(original).strip() else ""
    return f"{type(original).__name__}: {first_line}" if first_line else type(original).__name__


def unavailable() -> ServiceUnavailable:
    """The error both doors answer during an outage (``parameters`` name the failing check)."""
    return ServiceUnavailable("The database is not available; try again later.", [DATABASE_CHECK])


class OutagesAsUnavailable:
    """A context manager that re-raises a database outage as :class:`ServiceUnavailable` (with
    the outage as its cause) after logging one warning line; other exceptions pass through."""

    __slots__ = ()

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        error: BaseException | None,
        _traceback: TracebackType | None,
    ) -> Literal[False]:
        if error is None or isinstance(error, ServiceUnavailable) or not is_database_outage(error):
            return False
        logger.warning("database unavailable: %s", outage_reason(error))
        raise unavailable() from error


outages_as_unavailable = OutagesAsUnavailable()


async def wait_for_database(
    engine: AsyncEngine,
    wait_seconds: float,
    say: Callable[[str], None],
    *,
    first_delay: float = 0.5,
    max_delay: float = 5.0,
) -> str | None:
    """Connect to ``engine``'s database, retrying with exponential backoff (``first_delay``
    doubling up to ``max_delay`` seconds) for up to ``wait_seconds``.

    On the first failure ``say`` gets one line naming what cannot be reached (the URL without its
    password) and why. Returns ``None`` once a connection answers, or the last failure's reason
    when the time is up. Errors that are not outages (a wrong password, an unknown database)
    are raised at once: waiting would not help.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_seconds
    delay = first_delay
    where = engine.url.render_as_string(hide_password=True)
    said = False
    while True:
        try:
            async with engine.connect() as connection:
                await connection.exec_driver_sql("SELECT 1")
            return None
        except Exception as error:
            if not is_database_outage(error):
                raise
            reason = outage_reason(error)
        await engine.dispose()
        remaining = deadline - loop.time()
        if remaining <= 0:
            return reason
        if not said:
            say(f"cannot reach the database at {where} ({reason}); retrying for {wait_seconds:g} s")
            said = True
        await asyncio.sleep(min(delay, remaining))
        delay = min(delay * 2, max_delay)
