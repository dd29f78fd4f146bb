"""What a kind of background work gives the worker."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select

from app.db.engine import Database


@dataclass(frozen=True)
class Job:
    """A kind of background work (DESIGN.md §7).

    ``run_once(db)`` claims one batch of due rows, does the work and records its outcome; it
    returns how many items it finished (0 when nothing was due). It must be safe to run in
    several processes at once: claim rows with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL
    (``select(...).with_for_update(skip_locked=True)``; SQLite ignores it and has one writer),
    or take a lease (``locked_until``) in a short transaction before slow work such as an HTTP
    call, so that a crashed process's rows are picked up again when the lease runs out.

    ``run_once`` looks before it writes: when nothing is due it answers 0 after one read
    (:func:`has_due_rows`), without a write transaction (an idle worker polls every job).

    ``health(db)``, when given, describes the job's queue for ``/ready`` and ``/metrics``, e.g.
    ``{"queue_depth": 3, "oldest_pending_on": 1764460800}`` (times in epoch seconds, UTC).
    """

    name: str
    run_once: Callable[[Database], Awaitable[int]]
    health: Callable[[Database], Awaitable[dict[str, Any]]] | None = None


async def has_due_rows(db: Database, stmt: Select[Any]) -> bool:
    """Whether ``stmt`` (a SELECT of the rows a job would claim) finds one: the cheap read a
    job makes before it takes a write transaction, so that an idle poll writes nothing and
    takes no lock (one statement on a read connection, no ORM session)."""
    async with db.read_connection() as connection:
        return (await connection.execute(stmt.limit(1))).first() is not None
