"""How long domain events are kept (``CRM_GATEWAY_EVENT_RETENTION_DAYS``).

Every change writes an event (a posted journal writes one), so ``domain_events`` grows with
the traffic. An event the automations worker has dispatched and no automation run refers to
(a run keeps its triggering event for its history) is deleted once it is older than the
retention; undispatched events are never deleted. The worker's ``event_retention`` job looks
at most once an hour (:data:`CHECK_EVERY_SECONDS`) and deletes :data:`BATCH` events a round
until none is left, so a large backlog never holds its other jobs for long.
"""

import time
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, delete, exists, select

from app.db.base import utcnow
from app.db.engine import Database
from app.db.models import AutomationRun, DomainEvent
from app.worker.job import Job, has_due_rows

BATCH = 5000
"""Events deleted in one round (one statement)."""
CHECK_EVERY_SECONDS = 3600.0
"""How often the job looks for expired events once none was left."""


def expired_events_unscoped(older_than: datetime) -> Select[Any]:
    """The ids of the expired events of every organisation: dispatched, occurred before
    ``older_than`` (UTC), no automation run refers to them; the oldest first."""
    referred = select(AutomationRun.id).where(AutomationRun.event_id == DomainEvent.id)
    return (
        select(DomainEvent.id)
        .where(
            DomainEvent.dispatched_on.is_not(None),
            DomainEvent.occurred_on < older_than,
            ~exists(referred),
        )
        .order_by(DomainEvent.occurred_on)
    )


async def delete_expired_events_unscoped(db: Database, older_than: datetime) -> int:
    """Delete up to :data:`BATCH` expired events (:func:`expired_events_unscoped`); how many."""
    if not await has_due_rows(db, expired_events_unscoped(older_than)):
        return 0
    batch = expired_events_unscoped(older_than).limit(BATCH).scalar_subquery()
    async with db.write() as session:
        result = await session.execute(
            delete(DomainEvent).where(DomainEvent.id.in_(batch)),
            execution_options={"synchronize_session": False},
        )
    return int(getattr(result, "rowcount", 0) or 0)


class EventRetention:
    """The worker's job (see the module's docstring): events are kept ``retention_days``
    (``CRM_GATEWAY_EVENT_RETENTION_DAYS``; 0 keeps them for ever)."""

    def __init__(self, retention_days: int) -> None:
        self._retention = timedelta(days=retention_days)
        self._next_look = float("-inf")

    async def run_once(self, db: Database) -> int:
        """Delete one batch of expired events when a look is due; how many."""
        if not self._retention or time.monotonic() < self._next_look:
            return 0
        deleted = await delete_expired_events_unscoped(db, utcnow() - self._retention)
        if deleted < BATCH:  # none left: look again in an hour
            self._next_look = time.monotonic() + CHECK_EVERY_SECONDS
        return deleted


def retention_job(retention_days: int) -> Job:
    """The ``event_retention`` job of the worker's registry."""
    return Job("event_retention", EventRetention(retention_days).run_once)
